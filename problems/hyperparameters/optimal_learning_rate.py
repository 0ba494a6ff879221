"""Seed 004 §2.2: the learning rate that minimises the loss after one gradient-descent step."""

from derivekit.model import Claim, Derivative, Equation, Given, Optimum, Problem, Source, Wrong
from derivekit.ops import identity_like, matrix_power, scalar, sqnorm, total


def residual(X, w0, t):
    """The seed's hint: a = X w0 - t."""
    return X @ w0 - t


def loss(X, w, t):
    return sqnorm(X @ w - t) / X.shape[0]


def one_step(X, w0, t, eta):
    """w1 = w0 - eta grad L(w0), the gradient (2/n) X^T (X w0 - t) written out."""
    return w0 - eta * (2 / X.shape[0]) * X.T @ (X @ w0 - t)


def loss_after_one_step(X, w0, t, eta):
    return loss(X, one_step(X, w0, t, eta), t)


def optimal_eta(X, w0, t):
    a = residual(X, w0, t)
    return X.shape[0] / 2 * sqnorm(X.T @ a) / sqnorm(X @ X.T @ a)


def expanded_loss(X, w0, t, eta):
    n, a = X.shape[0], residual(X, w0, t)
    return (sqnorm(a) - 4 * eta / n * sqnorm(X.T @ a) + 4 * eta**2 / n**2 * sqnorm(X @ X.T @ a)) / n


def chatgpt_eta(X, w0, t):
    a = residual(X, w0, t)
    return X.shape[0] / 4 * scalar(a.T @ X @ X.T @ a)


LOSS_1 = "sqnorm(X @ w1 - t) / n"
SLOPE = "-4 / n^2 * a.T @ (I_n - 2 * eta / n * X @ X.T) @ X @ X.T @ a"
"""∂L₁/∂η as the seed's own solution writes it."""
CHATGPT_SLOPE = "-2 / n * sqnorm(X.T @ a) + 8 / n^3 * eta * sqnorm(X.T @ a)^2"
"""ChatGPT's derivative, its 'a^T X X^T a^2' read as (a^T X X^T a)^2."""

MY_SOLUTION_ETA = Claim(
    r"\eta = \frac{n}{2} \frac{a X X^T a}{a (X X^T)^2 a} = \frac{n}{2} \frac{\|X^T a\|_2^2}"
    r"{\|X X^T a\|_2^2}", optimal_eta, section="2.2.3 (My solution)")

PROBLEM = Problem(
    id="optimal-learning-rate-one-step",
    title="Optimal learning rate after one gradient-descent step",
    source=Source("004_19698b34fe55bc49.txt", "2.2"),
    statement=(
        r"$\mathcal L=\frac1n\|X\mathbf w-\mathbf t\|_2^2$. One GD step "
        r"$\mathbf w_1=\mathbf w_0-\eta\nabla\mathcal L(\mathbf w_0)$. With "
        r"$\mathbf a=X\mathbf w_0-\mathbf t$: write $\mathcal L_1$ in terms of $\eta$, its "
        r"derivative, and the $\eta^*$ minimising it."
    ),
    givens=(
        Given("X", ("n", "d"), latex="X"),
        Given("w0", ("d", 1), latex=r"\mathbf w_0"),
        Given("t", ("n", 1), latex=r"\mathbf t"),
        Given("eta", (), latex=r"\eta"),
        Given("a", ("n", 1), latex=r"\mathbf a", definition="X @ w0 - t"),
        Given("w1", ("d", 1), latex=r"\mathbf w_1", definition="w0 - eta * 2 / n * X.T @ a"),
    ),
    shapes=({"n": 3, "d": 2}, {"n": 2, "d": 3}, {"n": 4, "d": 3}),
    parts=(
        Equation(
            name="loss-after-one-step",
            derivation=(
                r"X\mathbf w_1-\mathbf t &= X\mathbf w_0-\mathbf t-\frac{2\eta}{n}XX^T(X\mathbf "
                r"w_0-\mathbf t) = \Big(I-\frac{2\eta}{n}XX^T\Big)\mathbf a",
                r"\mathcal L_1 &= \frac1n\Big\|\Big(I-\frac{2\eta}{n}XX^T\Big)\mathbf a\Big\|^2 = "
                r"\frac1n\mathbf a^T\Big(I-\frac{2\eta}{n}XX^T\Big)^2\mathbf a\quad(XX^T=(XX^T)^T)",
            ),
            asks=r"$\mathcal L_1$ in terms of $\eta$ and $\mathbf a$",
            lhs=loss_after_one_step,
            rhs=lambda X, w0, t, eta: scalar(
                residual(X, w0, t).T @ matrix_power(
                    identity_like(X) - 2 * eta / X.shape[0] * X @ X.T, 2)
                @ residual(X, w0, t)) / X.shape[0],
            answer_latex=r"\frac1n\mathbf a^T\Big(I-\frac{2\eta}{n}XX^T\Big)^2\mathbf a",
            claim=Claim(r"L_1 = \frac{1}{n} a^T \left( -\frac{2}{n} \eta X X^T + I \right)^2 a",
                        lambda X, w0, t, eta: sqnorm(
                            (identity_like(X) - 2 * eta / X.shape[0] * X @ X.T)
                            @ residual(X, w0, t)) / X.shape[0], section="2.2.1 (My solution)"),
            wrong=(Wrong("dropped the 2 of the gradient", lambda X, w0, t, eta: sqnorm(
                (identity_like(X) - eta / X.shape[0] * X @ X.T) @ residual(X, w0, t))
                / X.shape[0]),),
        ),
        Equation(
            name="loss-after-one-step-expanded",
            derivation=(
                r"\Big(I-\frac{2\eta}{n}XX^T\Big)^2 &= "
                r"I-2\cdot\frac{2\eta}{n}XX^T+\frac{4\eta^2}{n^2}XX^TXX^T",
                r"\mathcal L_1 &= \frac1n\Big(\mathbf a^T\mathbf a-\frac{4\eta}{n}\mathbf "
                r"a^TXX^T\mathbf a+\frac{4\eta^2}{n^2}\mathbf a^TXX^TXX^T\mathbf a\Big)",
            ),
            asks=r"$\mathcal L_1$ expanded in powers of $\eta$",
            form="expanded in eta",
            lhs=loss_after_one_step,
            rhs=expanded_loss,
            answer_latex=r"\frac1n\Big(\mathbf a^T\mathbf a-\frac{4\eta}{n}\mathbf a^TXX^T"
                         r"\mathbf a+\frac{4\eta^2}{n^2}\mathbf a^TXX^TXX^T\mathbf a\Big)",
            claim=Claim(r"\frac{1}{n} (a^T a - 2\eta \frac{2}{n} a^T X X^T a + \eta^2 "
                        r"\frac{4}{n^2} a^T X X^T X X^T a)",
                        lambda X, w0, t, eta: (
                            sqnorm(residual(X, w0, t)) - 2 * eta * 2 / X.shape[0] * sqnorm(
                                X.T @ residual(X, w0, t))
                            + eta**2 * 4 / X.shape[0] ** 2 * sqnorm(
                                X @ X.T @ residual(X, w0, t))) / X.shape[0],
                        section="2.2.1 (Modified output)"),
            wrong=(Wrong("cross term with 2/n instead of 4/n", lambda X, w0, t, eta: (
                sqnorm(residual(X, w0, t)) - 2 * eta / X.shape[0] * sqnorm(
                    X.T @ residual(X, w0, t))
                + 4 * eta**2 / X.shape[0] ** 2 * sqnorm(X @ X.T @ residual(X, w0, t)))
                / X.shape[0]),),
        ),
        Derivative(
            name="loss-derivative",
            derivation=(
                r"\mathcal L_1 &= \frac1n\|\mathbf u\|^2,\quad \mathbf "
                r"u=\Big(I-\frac{2\eta}{n}XX^T\Big)\mathbf a,\quad \frac{\partial\mathbf "
                r"u}{\partial\eta}=-\frac2nXX^T\mathbf a",
                r"\frac{\partial\mathcal L_1}{\partial\eta} &= \frac2n\mathbf "
                r"u^T\frac{\partial\mathbf u}{\partial\eta} = -\frac4{n^2}\mathbf "
                r"a^T\Big(I-\frac{2\eta}{n}XX^T\Big)XX^T\mathbf a",
            ),
            asks=r"$\partial\mathcal L_1/\partial\eta$",
            expression=LOSS_1, wrt="eta",
            answer_latex=r"-\frac{4}{n^2}\mathbf a^T\Big(I-\frac{2\eta}{n}XX^T\Big)XX^T\mathbf a",
            claim=Claim(r"-\frac{4}{n^2} \left( -\frac{2}{n} \eta X X^T + I \right) a X X^T a"
                        r" (read as a^T(\cdot)XX^Ta)", SLOPE, section="2.2.3 (My solution)"),
            wrong=(Wrong("ChatGPT: -2/n a^TXX^Ta + 8/n^3 eta (a^TXX^Ta)^2", CHATGPT_SLOPE),),
        ),
        Equation(
            name="loss-after-one-step-chatgpt-expansion",
            derivation=(
                r"\mathbf a^TXX^T\mathbf a &= \|X^T\mathbf a\|^2,\qquad \mathbf "
                r"a^TXX^TXX^T\mathbf a = \|XX^T\mathbf a\|^2",
                r"\mathcal L_1 &= \frac1n\Big(\|\mathbf a\|^2-\frac{4\eta}{n}\|X^T\mathbf "
                r"a\|^2+\frac{4\eta^2}{n^2}\|XX^T\mathbf a\|^2\Big)\quad(\mathbf a^T\mathbf a "
                r"\text{ once; a quadratic form, not } (\cdot)^2)",
            ),
            asks=r"$\mathcal L_1$ expanded once more, judged against the ChatGPT output of 2.2.3",
            form="expanded in eta",
            lhs=loss_after_one_step,
            rhs=expanded_loss,
            answer_latex=r"\frac1n\Big(\|\mathbf a\|^2-\frac{4\eta}{n}\|X^T\mathbf a\|^2+"
                         r"\frac{4\eta^2}{n^2}\|XX^T\mathbf a\|^2\Big)",
            claim=Claim(r"\frac{1}{n} (a^T a - \frac{2}{n} \eta a^T X X^T a + a^T a + \frac{4}{n^3}"
                        r" \eta^2 (a^T X X^T a)^2)",
                        lambda X, w0, t, eta: (
                            2 * sqnorm(residual(X, w0, t)) - 2 / X.shape[0] * eta * sqnorm(
                                X.T @ residual(X, w0, t))
                            + 4 / X.shape[0] ** 3 * eta**2 * sqnorm(X.T @ residual(X, w0, t))**2)
                        / X.shape[0], section="2.2.3 (output prompted by ChatGPT)"),
            wrong=(Wrong("a^T a counted twice", lambda X, w0, t, eta: expanded_loss(X, w0, t, eta)
                         + sqnorm(residual(X, w0, t)) / X.shape[0]),),
        ),
        Derivative(
            name="loss-derivative-chatgpt",
            derivation=(
                r"\frac{\partial\mathcal L_1}{\partial\eta} &= \frac1n\Big(-\frac4n\|X^T\mathbf "
                r"a\|^2+\frac{8\eta}{n^2}\|XX^T\mathbf a\|^2\Big)",
                r"&= -\frac4{n^2}\|X^T\mathbf a\|^2+\frac{8\eta}{n^3}\|XX^T\mathbf a\|^2",
            ),
            asks=r"$\partial\mathcal L_1/\partial\eta$, judged against the ChatGPT output",
            expression=LOSS_1, wrt="eta",
            answer_latex=r"-\frac{4}{n^2}\|X^T\mathbf a\|^2+\frac{8\eta}{n^3}\|XX^T\mathbf a\|^2",
            claim=Claim(r"-\frac{2}{n} a^T X X^T a + \frac{8}{n^3} \eta a^T X X^T a^2",
                        CHATGPT_SLOPE, section="2.2.3 (output prompted by ChatGPT)"),
            wrong=(Wrong("the ChatGPT slope", CHATGPT_SLOPE),),
        ),
        Derivative(
            name="loss-curvature",
            derivation=(
                r"\frac{\partial\mathcal L_1}{\partial\eta} &= -\frac4{n^2}\|X^T\mathbf "
                r"a\|^2+\frac{8\eta}{n^3}\|XX^T\mathbf a\|^2",
                r"\frac{\partial^2\mathcal L_1}{\partial\eta^2} &= \frac8{n^3}\|XX^T\mathbf a\|^2 "
                r"\ge 0",
            ),
            asks=r"$\partial^2\mathcal L_1/\partial\eta^2$: is $\mathcal L_1$ convex in $\eta$? "
                 r"(2.2.2)",
            expression=SLOPE, wrt="eta",
            answer_latex=r"\frac{8}{n^3}\|XX^T\mathbf a\|^2\ \ge0:\ \text{convex}",
            wrong=(Wrong("one factor 1/n dropped", "8 / n^2 * sqnorm(X @ X.T @ a)"),),
        ),
        Optimum(
            name="optimal-learning-rate",
            derivation=(
                r"\frac{\partial\mathcal L_1}{\partial\eta} &= -\frac4{n^2}\|X^T\mathbf "
                r"a\|^2+\frac{8\eta}{n^3}\|XX^T\mathbf a\|^2 = 0",
                r"\eta^* &= \frac{4}{n^2}\cdot\frac{n^3}{8}\cdot\frac{\|X^T\mathbf "
                r"a\|^2}{\|XX^T\mathbf a\|^2} = \frac n2\,\frac{\|X^T\mathbf a\|^2}{\|XX^T\mathbf "
                r"a\|^2}\quad(\text{a minimum: } \partial^2_\eta\mathcal L_1\ge0)",
            ),
            asks=r"$\eta^*=\arg\min_\eta\mathcal L_1$ (the seed's own solution)",
            of=loss_after_one_step,
            wrt="eta",
            answer=optimal_eta,
            answer_latex=r"\eta^*=\frac n2\,\frac{\|X^T\mathbf a\|^2}{\|XX^T\mathbf a\|^2}",
            notes="L1 is a convex quadratic in eta: d^2L1/deta^2 = 8/n^3 ||XX^T a||^2 >= 0 (2.2.2).",
            claim=MY_SOLUTION_ETA,
            wrong=(Wrong("n/4 factor", lambda X, w0, t: optimal_eta(X, w0, t) / 2),),
        ),
        Optimum(
            name="optimal-learning-rate-modified-output",
            derivation=(
                r"0 = \frac{\partial\mathcal L_1}{\partial\eta} &= -\frac4{n^2}\mathbf "
                r"a^TXX^T\mathbf a+\frac{8\eta}{n^3}\mathbf a^T(XX^T)^2\mathbf a",
                r"\eta^* &= \frac n2\,\frac{\mathbf a^TXX^T\mathbf a}{\mathbf a^T(XX^T)^2\mathbf "
                r"a}\quad(\text{a ratio of quadratic forms, not } \tfrac n4\,\mathbf "
                r"a^TXX^T\mathbf a)",
            ),
            asks=r"$\eta^*$ again, judged against the ChatGPT 'Modified output'",
            of=loss_after_one_step,
            wrt="eta",
            answer=optimal_eta,
            answer_latex=r"\eta^*=\frac n2\,\frac{\mathbf a^TXX^T\mathbf a}{\mathbf a^T(XX^T)^2"
                         r"\mathbf a}",
            claim=Claim(r"\eta^* = \frac{n}{4} ((X w_0 - t)^T X X^T (X w_0 - t))", chatgpt_eta,
                        section="2.2.3 (output prompted by ChatGPT)"),
            wrong=(Wrong("the ChatGPT answer", chatgpt_eta),),
        ),
    ),
    prose=(
        Claim(r"loss_1 = \frac1n\sum_i |w_0 - t - \eta\frac2n\sum_j (w_0 - t)_j|^2",
              lambda X, w0, t, eta: sqnorm(w0 - t - eta * 2 / X.shape[0] * total(w0 - t))
              / X.shape[0], section="2.2.1 (output prompted by ChatGPT)",
              judged_by="loss-after-one-step",
              reason="the loss after one step, as the ChatGPT output writes it (the seed itself "
                     "discards it: 'fails to use the hint')"),
    ),
)
