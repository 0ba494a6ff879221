"""Seed 000 §3.3: an SGD step on L + lambda w^T w is weight decay with rate 2 alpha lambda."""

from derivekit.model import POSITIVE, Claim, Derivative, Equation, Given, Problem, Source, Wrong


def data_grad(X, y, w):
    """∇_w L for the concrete L = ½‖Xw − y‖² (a linear model's half squared error)."""
    return X.T @ (X @ w - y)


PROBLEM = Problem(
    id="l2-weight-decay",
    title="L2 regularization and weight decay",
    source=Source("000_b77450bb05363a64.txt", "3.3"),
    statement=(
        r"With $L'(w)=L(w)+\lambda w^Tw$, compare the gradient descent updates "
        r"$w\leftarrow w-\alpha\nabla L'$ and $w\leftarrow w-\alpha\nabla L$ and show that L2 "
        r"regularization is weight decay. $L$ is taken as $\frac12\|Xw-y\|^2$ so that the "
        r"witnesses can differentiate it; nothing depends on that choice."
    ),
    givens=(
        Given("X", ("m", "n"), latex="X"),
        Given("y", ("m", 1), latex="y"),
        Given("w", ("n", 1), latex="w"),
        Given("alpha", (), POSITIVE, r"\alpha", "learning rate"),
        Given("lam", (), POSITIVE, r"\lambda", "regularization strength"),
    ),
    shapes=({"m": 3, "n": 2}, {"m": 2, "n": 3}, {"m": 4, "n": 1}),
    parts=(
        Derivative(
            name="grad-regularized-loss",
            derivation=(
                r"\nabla_w(\lambda w^Tw) &= \lambda(I+I^T)w = 2\lambda w",
                r"\nabla_w L' &= \nabla_w L+2\lambda w\qquad(\text{here } \nabla_w L = X^T(Xw-y))",
            ),
            asks=r"$\nabla_w L'=\nabla_w\big(L+\lambda w^Tw\big)$",
            expression="sqnorm(X @ w - y) / 2 + lam * w.T @ w", wrt="w",
            answer_latex=r"\nabla_w L+2\lambda w",
            claim=Claim(r"\frac{\partial \lambda w^T w}{\partial w} = 2\lambda w "
                        r"\text{ added to } \frac{\partial L}{\partial w}",
                        "X.T @ (X @ w - y) + 2 * lam * w"),
            wrong=(Wrong("lambda w (dropped the 2)", "X.T @ (X @ w - y) + lam * w"),),
        ),
        Equation(
            name="sgd-step-is-weight-decay",
            derivation=(
                r"w-\alpha\nabla_w L' &= w-\alpha(\nabla_w L+2\lambda w)",
                r"&= w-2\alpha\lambda w-\alpha\nabla_w L = (1-2\alpha\lambda)\,w-\alpha\nabla_w L",
            ),
            asks=r"The update $w-\alpha\nabla_w L'$ written as decay plus the plain step",
            lhs=lambda X, y, w, alpha, lam: w - alpha * (data_grad(X, y, w) + 2 * lam * w),
            rhs=lambda X, y, w, alpha, lam: (1 - 2 * alpha * lam) * w
            - alpha * data_grad(X, y, w),
            answer_latex=r"(1-2\alpha\lambda)\,w-\alpha\nabla_w L"
                         r"\quad(\text{weight decay with rate } 2\alpha\lambda)",
            claim=Claim(r"w := (1 - 2\alpha\lambda)w - \alpha \frac{\partial L(y, \hat{y})}"
                        r"{\partial w}", lambda X, y, w, alpha, lam: (1 - 2 * alpha * lam) * w
                        - alpha * data_grad(X, y, w)),
            wrong=(Wrong("decay rate alpha lambda", lambda X, y, w, alpha, lam:
                         (1 - alpha * lam) * w - alpha * data_grad(X, y, w)),
                   Wrong("decay without alpha", lambda X, y, w, alpha, lam:
                         (1 - 2 * lam) * w - alpha * data_grad(X, y, w))),
        ),
        Equation(
            name="shrink-factor",
            derivation=(
                r"\nabla_w L=0:\quad w_{\text{new}} &= w-2\alpha\lambda w = (1-2\alpha\lambda)\,w",
                r"w_{\text{new},j}/w_j &= 1-2\alpha\lambda\ \text{ for every } j",
            ),
            asks=r"Where $\nabla_w L=0$, the factor each weight is multiplied by in one step",
            lhs=lambda w, alpha, lam: (w - alpha * 2 * lam * w) / w,
            rhs=lambda w, alpha, lam: (1 - 2 * alpha * lam) + 0 * w,
            answer_latex=r"1-2\alpha\lambda\ \text{(the same for every weight)}",
            claim=Claim(r"Although the gradient is zero, the new update will shrink the weight "
                        r"by (1 - 2\alpha\lambda w)",
                        lambda w, alpha, lam: 1 - 2 * alpha * lam * w),
            wrong=(Wrong("the seed's 1 - 2 alpha lambda w",
                         lambda w, alpha, lam: 1 - 2 * alpha * lam * w),),
        ),
    ),
)
