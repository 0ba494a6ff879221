"""Seed 004 §2.3: one step of L2-regularised GD versus plain GD with weight decay."""

from derivekit.model import POSITIVE, Claim, Derivative, Equation, Given, Problem, Source, Wrong


def l2_step(X, w, t, eta, lam_l2):
    """w1 = w0 - eta grad(L + lambda~ ||w||^2)."""
    return w - eta * ((2 / X.shape[0]) * X.T @ (X @ w - t) + 2 * lam_l2 * w)


def decay_step(X, w, t, eta, lam):
    """w1 = (1 - lambda) w0 - eta grad L."""
    return (1 - lam) * w - eta * (2 / X.shape[0]) * X.T @ (X @ w - t)


PROBLEM = Problem(
    id="weight-decay-vs-l2",
    title="Weight decay and L2 regularisation: the equivalent coefficient",
    source=Source("004_19698b34fe55bc49.txt", "2.3"),
    statement=(
        r"Compare GD on $\tilde{\mathcal L}=\frac1n\|X\mathbf w-\mathbf t\|_2^2+\tilde\lambda"
        r"\|\mathbf w\|_2^2$ with GD on $\mathcal L=\frac1n\|X\mathbf w-\mathbf t\|_2^2$ plus weight "
        r"decay $\mathbf w_{i+1}=(1-\lambda)\mathbf w_i-\eta\nabla\mathcal L$. Write $\mathbf w_1$ "
        r"both ways and find $\tilde\lambda$ that makes the two steps equal."
    ),
    givens=(
        Given("X", ("n", "d"), latex="X"),
        Given("w", ("d", 1), latex=r"\mathbf w_0"),
        Given("t", ("n", 1), latex=r"\mathbf t"),
        Given("eta", (), POSITIVE, r"\eta"),
        Given("lam", (), POSITIVE, r"\lambda", "weight-decay coefficient"),
        Given("lam_l2", (), POSITIVE, r"\tilde\lambda", "L2 coefficient"),
    ),
    shapes=({"n": 3, "d": 2}, {"n": 2, "d": 3}, {"n": 4, "d": 4}),
    parts=(
        Derivative(
            name="regularised-gradient",
            derivation=(
                r"\nabla_{\mathbf w}\tfrac1n\|X\mathbf w-\mathbf t\|^2 &= \tfrac2nX^T(X\mathbf "
                r"w-\mathbf t),\qquad \nabla_{\mathbf w}\tilde\lambda\|\mathbf w\|^2 = "
                r"2\tilde\lambda\mathbf w",
                r"\mathbf w_1 &= \mathbf w_0-\tfrac2n\eta X^T(X\mathbf w_0-\mathbf "
                r"t)-2\eta\tilde\lambda\mathbf w_0",
            ),
            asks=r"$\nabla_{\mathbf w}\tilde{\mathcal L}$ (so $\mathbf w_1=\mathbf w_0-\eta"
                 r"\nabla\tilde{\mathcal L}(\mathbf w_0)$)",
            expression="sqnorm(X @ w - t) / n + lam_l2 * sqnorm(w)", wrt="w",
            answer_latex=r"\frac2nX^T(X\mathbf w-\mathbf t)+2\tilde\lambda\mathbf w",
            claim=Claim(r"w_1 = w_0 - \frac{2}{n} \eta X^T (X w_0 - t) - 2 \eta \lambda w_0",
                        "2 / n * X.T @ (X @ w - t) + 2 * lam_l2 * w", section="2.3.1"),
            wrong=(Wrong("penalty gradient lambda w",
                         "2 / n * X.T @ (X @ w - t) + lam_l2 * w"),),
        ),
        Equation(
            name="equivalent-l2-coefficient",
            derivation=(
                r"\text{L2 step: } \mathbf w_1 &= (1-2\eta\tilde\lambda)\mathbf "
                r"w_0-\eta\nabla\mathcal L(\mathbf w_0)",
                r"\text{weight decay: } \mathbf w_1 &= (1-\lambda)\mathbf w_0-\eta\nabla\mathcal "
                r"L(\mathbf w_0)",
                r"\text{equal for every } \mathbf w_0 &\iff 2\eta\tilde\lambda=\lambda \iff "
                r"\tilde\lambda=\frac{\lambda}{2\eta}",
            ),
            asks=r"$\tilde\lambda$ such that the weight-decay step equals the L2 step",
            lhs=decay_step,
            rhs=lambda X, w, t, eta, lam: l2_step(X, w, t, eta, lam / (2 * eta)),
            answer_latex=r"\tilde\lambda=\frac{\lambda}{2\eta}\quad(\lambda=2\eta\tilde\lambda)",
            notes="rhs is the L2 step with the stated coefficient; it matches the weight-decay "
                  "step for every w0 only with lambda~ = lambda / (2 eta).",
            claim=Claim(r"\tilde{\lambda} = \frac{-\lambda W_0}{2\eta W_0} = -\frac{\lambda}{2}\eta",
                        lambda X, w, t, eta, lam: l2_step(X, w, t, eta, -lam * eta / 2),
                        section="2.3.2"),
            wrong=(Wrong("sign flipped: -lambda/(2 eta)",
                         lambda X, w, t, eta, lam: l2_step(X, w, t, eta, -lam / (2 * eta))),
                   Wrong("lambda~ = lambda", lambda X, w, t, eta, lam: l2_step(X, w, t, eta, lam)),
                   Wrong("lambda~ = lambda eta / 2",
                         lambda X, w, t, eta, lam: l2_step(X, w, t, eta, lam * eta / 2))),
        ),
        Equation(
            name="weight-decay-step",
            derivation=(
                r"\nabla\mathcal L(\mathbf w_0) &= \tfrac2nX^T(X\mathbf w_0-\mathbf t)",
                r"\mathbf w_1 &= \mathbf w_0-\lambda\mathbf w_0-\eta\nabla\mathcal L(\mathbf w_0) "
                r"= (1-\lambda)\mathbf w_0-\tfrac2n\eta X^T(X\mathbf w_0-\mathbf t)",
            ),
            asks=r"$\mathbf w_1$ with weight decay",
            lhs=lambda X, w, t, eta, lam: w - lam * w - eta * (2 / X.shape[0]) * X.T @ X @ w
            + eta * (2 / X.shape[0]) * X.T @ t,
            rhs=decay_step,
            answer_latex=r"(1-\lambda)\mathbf w_0-\frac2n\eta X^T(X\mathbf w_0-\mathbf t)",
            claim=Claim(r"w_1 = (1 - \lambda) w_0 - \frac{2}{n} \eta X^T (X w_0 - t)", decay_step,
                        section="2.3.1"),
            wrong=(Wrong("decay applied after the gradient step",
                         lambda X, w, t, eta, lam: (1 - lam) * (
                             w - eta * (2 / X.shape[0]) * X.T @ (X @ w - t))),),
        ),
    ),
    prose=(
        Claim(r"W_0 - 2\eta X^T W_0 = (1-\lambda)W_0", lambda X, w, eta: w - 2 * eta * X.T @ w,
              section="2.3.2", judged_by="weight-decay-step",
              reason="the step of the weight-decayed loss, as the seed's intermediate line "
                     "writes its gradient part (-2 eta X^T W_0)"),
    ),
)
