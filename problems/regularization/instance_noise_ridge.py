"""Seed 001 Problem 1: instance noise is ridge regression; SGD on a noisy scalar point."""

from derivekit.model import POSITIVE, Claim, ConvergenceRange, Equation, Expectation, Given, \
    Limit, Optimum, Problem, Source, Wrong, interval, normal
from derivekit.ops import identity_like, inv, sqnorm


def mean_step(w, x1, y1, sigma, eta):
    """E[w_{t+1}] from E[w_t] (the recursion derived in part sgd-mean-recursion)."""
    return (1 - eta * (x1**2 + sigma**2)) * w + eta * x1 * y1


def zero():
    return 0.0


PROBLEM = Problem(
    id="instance-noise-ridge",
    title="Regularization and instance noise",
    source=Source("001_971515a154971c79.txt", "P1"),
    statement=(
        r"Rows of $\tilde X = X + N$ are data points $x_i\in\mathbb{R}^n$ plus i.i.d. noise "
        r"$N_i\sim\mathcal N(0,\sigma^2 I_n)$. Show $E\|\tilde Xw-y\|^2=\|Xw-y\|^2+m\sigma^2"
        r"\|w\|^2$ and find $\lambda$ with $\arg\min_w \frac1m\|Xw-y\|^2+\lambda\|w\|^2$. "
        r"Then, for one scalar point $(x, y)$ and SGD on $L(w)=\frac12(\tilde X_t w-y)^2$ with "
        r"$\tilde X_t=x+N_t$, $N_t\sim\mathcal N(0,\sigma^2)$, $w_0=0$: the recursion for "
        r"$E[w_t]$, the learning rates for which it converges, and its limit."
    ),
    givens=(
        Given("X", ("m", "n"), latex="X"),
        Given("y", ("m", 1), latex="y"),
        Given("w", ("n", 1), latex="w"),
        Given("sigma", (), POSITIVE, r"\sigma"),
        Given("x1", (), latex="x", description="the scalar data point"),
        Given("y1", (), latex="y", description="its label"),
        Given("w_t", (), latex="w_t", description="the current SGD iterate"),
        Given("eta", (), interval(0.0, lambda x1, sigma: 2 / (x1**2 + sigma**2)), r"\eta",
              "a learning rate inside the convergent range"),
    ),
    shapes=({"m": 4, "n": 3}, {"m": 2, "n": 2}, {"m": 5, "n": 1}),
    parts=(
        Expectation(
            name="expected-loss",
            derivation=(
                r"\|\tilde Xw-y\|^2 &= \textstyle\sum_i\big((x_i^Tw-y_i)+N_i^Tw\big)^2",
                r"E[\cdot] &= \textstyle\sum_i (x_i^Tw-y_i)^2 + 2(x_i^Tw-y_i)\,E[N_i]^Tw + "
                r"w^TE[N_iN_i^T]w",
                r"&= \|Xw-y\|^2 + m\sigma^2\|w\|^2\quad(E[N_i]=0,\ E[N_iN_i^T]=\sigma^2I)",
            ),
            asks=r"$E\|\tilde Xw-y\|^2$",
            of=lambda X, N, w, y: sqnorm((X + N) @ w - y),
            noise=(Given("N", ("m", "n"), normal("sigma"), "N"),),
            equals=lambda X, w, y, sigma: sqnorm(X @ w - y) + X.shape[0] * sigma**2 * sqnorm(w),
            answer_latex=r"\|Xw-y\|^2+m\sigma^2\|w\|^2",
            claim=Claim(r"||Xw - y||^2 + m\sigma^2 ||w||^2",
                        lambda X, w, y, sigma: sqnorm(X @ w - y)
                        + X.shape[0] * sigma**2 * sqnorm(w)),
            wrong=(Wrong("dropped the factor m", lambda X, w, y, sigma: sqnorm(X @ w - y)
                         + sigma**2 * sqnorm(w)),
                   Wrong("sigma instead of sigma^2", lambda X, w, y, sigma: sqnorm(X @ w - y)
                         + X.shape[0] * sigma * sqnorm(w))),
        ),
        Equation(
            name="ridge-lambda",
            derivation=(
                r"\tfrac1m E\|\tilde Xw-y\|^2 &= \tfrac1m\|Xw-y\|^2+\sigma^2\|w\|^2",
            ),
            asks=r"$\lambda$ such that $\frac1m E\|\tilde Xw-y\|^2=\frac1m\|Xw-y\|^2+"
                 r"\lambda\|w\|^2$",
            lhs=lambda X, w, y, sigma: (sqnorm(X @ w - y) + X.shape[0] * sigma**2 * sqnorm(w))
            / X.shape[0],
            rhs=lambda X, w, y, sigma: sqnorm(X @ w - y) / X.shape[0] + sigma**2 * sqnorm(w),
            answer_latex=r"\lambda=\sigma^2",
            claim=Claim(r"\lambda = \sigma^2", lambda X, w, y, sigma: sqnorm(X @ w - y) / X.shape[0]
                        + sigma**2 * sqnorm(w)),
            wrong=(Wrong("lambda = m sigma^2", lambda X, w, y, sigma: sqnorm(X @ w - y)
                         / X.shape[0] + X.shape[0] * sigma**2 * sqnorm(w)),),
        ),
        Optimum(
            name="ridge-solution",
            derivation=(
                r"\nabla_w &= 2X^T(Xw-y)+2m\sigma^2w = 0",
                r"w^* &= (X^TX+m\sigma^2I)^{-1}X^Ty",
            ),
            asks=r"The minimiser of $E\|\tilde Xw-y\|^2$",
            of=lambda X, w, y, sigma: sqnorm(X @ w - y) + X.shape[0] * sigma**2 * sqnorm(w),
            wrt="w",
            answer=lambda X, y, sigma: inv(X.T @ X + X.shape[0] * sigma**2
                                           * identity_like(X.T)) @ X.T @ y,
            answer_latex=r"w^*=(X^TX+m\sigma^2 I)^{-1}X^Ty",
            wrong=(Wrong("lambda m dropped", lambda X, y, sigma: inv(
                X.T @ X + sigma**2 * identity_like(X.T)) @ X.T @ y),),
        ),
        Expectation(
            name="sgd-mean-recursion",
            derivation=(
                r"\frac{\partial L}{\partial w} &= (w\tilde X_t-y)\tilde X_t,\quad \tilde "
                r"X_t=x+N_t",
                r"E[w_{t+1}] &= E[w_t]\big(1-\eta E[\tilde X_t^2]\big)+\eta yE[\tilde X_t],\quad "
                r"E[\tilde X_t^2]=x^2+\sigma^2",
            ),
            asks=r"$E[w_{t+1}]$ in terms of $E[w_t]$ ($w_t$ is independent of $N_t$)",
            of=lambda w_t, x1, y1, eta, N_t: w_t - eta * (w_t * (x1 + N_t) - y1) * (x1 + N_t),
            noise=(Given("N_t", (), normal("sigma"), "N_t"),),
            equals=lambda w_t, x1, y1, sigma, eta: mean_step(w_t, x1, y1, sigma, eta),
            answer_latex=r"E[w_{t+1}]=\big(1-\eta(x^2+\sigma^2)\big)E[w_t]+\eta xy",
            claim=Claim(r"E[w_{t+1}] = E[w_t](1 - \eta(x^2 + \sigma^2)) + \eta yx",
                        lambda w_t, x1, y1, sigma, eta: mean_step(w_t, x1, y1, sigma, eta)),
            wrong=(Wrong("forgot sigma^2", lambda w_t, x1, y1, eta: (1 - eta * x1**2) * w_t
                         + eta * x1 * y1),
                   Wrong("sign of the data term", lambda w_t, x1, y1, sigma, eta:
                         (1 - eta * (x1**2 + sigma**2)) * w_t - eta * x1 * y1)),
        ),
        ConvergenceRange(
            name="step-size-range",
            derivation=(
                r"|1-\eta(x^2+\sigma^2)| &< 1 \iff 0<\eta<\frac{2}{x^2+\sigma^2}",
            ),
            asks=r"Learning rates $\eta$ for which $E[w_t]$ converges",
            step=mean_step,
            start=zero,
            param="eta",
            lower=lambda: 0.0,
            upper=lambda x1, sigma: 2 / (x1**2 + sigma**2),
            answer_latex=r"0<\eta<\frac{2}{x^2+\sigma^2}",
            claim=Claim(r"0 < \eta < \frac{2}{x^2 + \sigma^2}",
                        lambda x1, sigma: 2 / (x1**2 + sigma**2)),
            wrong=(Wrong("1/(x^2+sigma^2)", lambda x1, sigma: 1 / (x1**2 + sigma**2)),
                   Wrong("noise-free bound 2/x^2", lambda x1: 2 / x1**2)),
        ),
        Limit(
            name="limit",
            derivation=(
                r"w^* &= \big(1-\eta(x^2+\sigma^2)\big)w^*+\eta xy \;\Rightarrow\; "
                r"w^*=\frac{xy}{x^2+\sigma^2}",
            ),
            asks=r"$\lim_{t\to\infty}E[w_t]$ for $\eta$ in the convergent range",
            step=mean_step,
            start=zero,
            answer=lambda x1, y1, sigma: x1 * y1 / (x1**2 + sigma**2),
            answer_latex=r"\frac{xy}{x^2+\sigma^2}=\frac{y}{x}\cdot\frac{1}{1+\sigma^2/x^2}",
            claim=Claim(r"w^*(x^2 + \sigma^2) - yx = 0",
                        lambda x1, y1, sigma: x1 * y1 / (x1**2 + sigma**2)),
            wrong=(Wrong("noise-free optimum y/x", lambda x1, y1: y1 / x1),
                   Wrong("x^2 - sigma^2", lambda x1, y1, sigma: x1 * y1 / (x1**2 - sigma**2))),
        ),
        Equation(
            name="shrinkage",
            derivation=(
                r"\frac{xy/(x^2+\sigma^2)}{y/x} &= \frac{x^2}{x^2+\sigma^2} = "
                r"\frac{1}{1+\sigma^2/x^2}",
            ),
            asks=r"The limit relative to the noise-free optimum $y/x$",
            lhs=lambda x1, y1, sigma: (x1 * y1 / (x1**2 + sigma**2)) / (y1 / x1),
            rhs=lambda x1, sigma: 1 / (1 + sigma**2 / x1**2),
            answer_latex=r"\frac{1}{1+\sigma^2/x^2}",
            claim=Claim(r"scaled down by a factor of \frac{1}{1 + \frac{\sigma^2}{x^2}}",
                        lambda x1, sigma: 1 / (1 + sigma**2 / x1**2)),
            wrong=(Wrong("1 + sigma^2/x^2", lambda x1, sigma: 1 + sigma**2 / x1**2),),
        ),
    ),
)
