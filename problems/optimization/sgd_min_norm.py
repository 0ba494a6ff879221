"""Seed 004 §1.1.1: mini-batch SGD from w0 = 0 on underdetermined least squares finds the
minimum-norm solution."""

from derivekit.model import Claim, Equation, Given, Limit, Problem, Source, Wrong, interval
from derivekit.ops import (abs_, diag, eigh, identity_like, inv, max_entry, scalar, sqnorm, step,
                           total)

def rank(m):
    """Numerical rank of a symmetric matrix: its eigenvalues above rounding."""
    values = eigh(m)[0]
    return total(step(values - 1e-9 * max_entry(abs_(values))))


BATCH = 2
"""Mini-batch size b: consecutive rows, the last batch of an epoch smaller when b does not
divide n (a data loader without drop_last)."""


def largest_gram_eigenvalue(X):
    return max_entry(eigh(X @ X.T)[0])


def batches(n):
    return [list(range(i, min(i + BATCH, n))) for i in range(0, n, BATCH)]


def gram_inverse(X):
    """(XX^T)^{-1} through the eigendecomposition: numeric witnesses only, since SymPy's
    symbolic inverse of a 3x3 Gram matrix costs seconds and proves nothing here."""
    values, U = eigh(X @ X.T)
    return U @ diag(1 / values) @ U.T


def minimum_norm(X, t):
    return X.T @ gram_inverse(X) @ t


def batch_step(w, X, t, eta, rows):
    """w - (eta/b) sum_{j in B} grad_w (x_j^T w - t_j)^2, written as a matrix product."""
    XB, tB = X[rows, :], t[rows, :]
    return w - (2 * eta / len(rows)) * XB.T @ (XB @ w - tB)


def sgd_epoch(w, X, t, eta):
    for rows in batches(X.shape[0]):
        w = batch_step(w, X, t, eta, rows)
    return w


def gd_step(w, X, t, eta):
    """Full-batch GD on L = (1/n)||Xw - t||^2."""
    return w - (2 * eta / X.shape[0]) * X.T @ (X @ w - t)


def zero(X):
    return 0 * X[:1, :].T


def first_batch_step_by_examples(w, X, t, eta):
    """The seed's eq. (2) term by term: one example's gradient 2 x_j (x_j^T w - t_j) at a time."""
    total_gradient = 0 * w
    rows = batches(X.shape[0])[0]
    for j in rows:
        x_j = X[j:j + 1, :].T
        total_gradient = total_gradient + 2 * x_j * scalar(x_j.T @ w - t[j, 0])
    return w - eta / len(rows) * total_gradient


def other_solution(X, t, z):
    """Any solution of Xw = t: w* plus the part of z in the null space of X."""
    return minimum_norm(X, t) + z - X.T @ gram_inverse(X) @ X @ z


PROBLEM = Problem(
    id="sgd-minimum-norm",
    title="Mini-batch SGD from zero finds the minimum-norm least-squares solution",
    source=Source("004_19698b34fe55bc49.txt", "1.1.1"),
    statement=(
        r"$\mathcal L=\frac1n\|X\mathbf w-\mathbf t\|_2^2$ with $X\in\mathbb R^{n\times d}$ of "
        r"full rank $n<d$. Mini-batch SGD $\mathbf w_{t+1}=\mathbf w_t-\frac{\eta}{b}"
        r"\sum_{j\in\mathcal B}\nabla_{\mathbf w}(\mathbf x_j^T\mathbf w-t_j)^2$ starts at "
        r"$\mathbf w_0=0$. Show that it converges to the minimum-norm solution "
        r"$\mathbf w^*=X^T(XX^T)^{-1}\mathbf t$, as gradient descent does."
    ),
    givens=(
        Given("X", ("n", "d"), latex="X"),
        Given("t", ("n", 1), latex=r"\mathbf t"),
        Given("w", ("d", 1), latex=r"\mathbf w", description="a current iterate"),
        Given("c", ("n", 1), latex=r"\mathbf c", description="coefficients of w = X^T c"),
        Given("z", ("d", 1), latex=r"\mathbf z", description="generates another solution"),
        Given("eta", (), interval(lambda X: 0.7 / largest_gram_eigenvalue(X),
                                  lambda X: 1 / largest_gram_eigenvalue(X)), r"\eta",
              "a stable learning rate: below 1/lambda_max(XX^T)"),
        Given("b", (), latex="b", description="the mini-batch size", definition=str(BATCH)),
        Given("X_B", (BATCH, "d"), latex=r"X_{\mathcal B}", description="the first batch's rows",
              definition=f"X[0:{BATCH}, :]"),
        Given("t_B", (BATCH, 1), latex=r"\mathbf t_{\mathcal B}", definition=f"t[0:{BATCH}, :]"),
        Given("E_B", ("n", BATCH), latex=r"E_{\mathcal B}", description="picks the batch rows",
              definition=f"I_n[:, 0:{BATCH}]"),
        Given("w_star", ("d", 1), latex=r"\mathbf w^*", description="the minimum-norm solution",
              definition="X.T @ inv(X @ X.T) @ t"),
        Given("w_sol", ("d", 1), latex=r"\mathbf w", description="another solution of Xw = t: "
              "w* plus the part of z in the null space of X",
              definition="w_star + z - X.T @ inv(X @ X.T) @ X @ z"),
    ),
    shapes=({"n": 2, "d": 4}, {"n": 3, "d": 5}, {"n": 4, "d": 6}),
    parts=(
        Limit(
            name="gd-limit",
            derivation=(
                r"\mathbf w_{t+1} &= \mathbf w_t-\frac{2\eta}{n}X^T(X\mathbf w_t-\mathbf t),\ "
                r"\mathbf w_0=0 \;\Rightarrow\; \mathbf w_t=X^T\mathbf c_t",
                r"X\mathbf w_\infty=\mathbf t,\ \mathbf w_\infty=X^T\mathbf c &\;\Rightarrow\; "
                r"XX^T\mathbf c=\mathbf t \;\Rightarrow\; \mathbf c=(XX^T)^{-1}\mathbf t",
                r"\mathbf w_\infty &= X^T(XX^T)^{-1}\mathbf t\quad(XX^T\text{ invertible: rank } "
                r"n;\ X^TX \text{ is singular})",
            ),
            asks=r"$\lim_t\mathbf w_t$ for full-batch gradient descent from $\mathbf w_0=0$",
            step=gd_step,
            start=zero,
            answer=minimum_norm,
            answer_latex=r"\mathbf w^*=X^T(XX^T)^{-1}\mathbf t",
            steps=100_000,
            claim=Claim(r"\mathbf{w}^* = (\mathbf{X}^T \mathbf{X})^{-1} \mathbf{X}^T \mathbf{t}"
                        r" (Modified Output, eq. 3; 'Since d > n, X^TX is invertible')",
                        lambda X, t: inv(X.T @ X) @ X.T @ t, section="1.1.1 (Modified Output)"),
            wrong=(Wrong("normal equations with X^T X (singular when d > n)",
                         lambda X, t: inv(X.T @ X + 1e-3 * identity_like(X.T)) @ X.T @ t),
                   Wrong("X^T t", lambda X, t: X.T @ t)),
        ),
        Limit(
            name="sgd-limit",
            derivation=(
                r"\mathbf w_{t+1}-\mathbf w_t &= -\frac{2\eta}{b}X_{\mathcal B}^T(X_{\mathcal "
                r"B}\mathbf w_t-\mathbf t_{\mathcal B}) \in \operatorname{span}(\text{rows of } X)",
                r"\mathbf w_0=0 &\;\Rightarrow\; \mathbf w_t=X^T\mathbf c_t \text{ for every } t "
                r"\text{ (and every batch order)}",
                r"X\hat{\mathbf w}=\mathbf t,\ \hat{\mathbf w}=X^T\mathbf c &\;\Rightarrow\; "
                r"\mathbf c=(XX^T)^{-1}\mathbf t,\quad \hat{\mathbf w}=X^T(XX^T)^{-1}\mathbf "
                r"t=\mathbf w^*",
            ),
            asks=r"$\lim\mathbf w_t$ for mini-batch SGD ($b=2$, batches visited in turn; one "
                 r"step of the map is one epoch) from $\mathbf w_0=0$",
            step=sgd_epoch,
            start=zero,
            answer=minimum_norm,
            answer_latex=r"\hat{\mathbf w}=\mathbf w^*=X^T(XX^T)^{-1}\mathbf t",
            steps=100_000,
            notes="Every mini-batch step adds a combination of rows of X, so the iterates stay in "
                  "the row space; the only solution of Xw = t there is w*.",
            claim=Claim(r"the mini-batch SGD solution $\tilde{\mathbf w}$ is the minimum norm "
                        r"solution", minimum_norm, section="1.1.1 (My solution)"),
            wrong=(Wrong("pseudo-inverse of the first batch only",
                         lambda X, t: X[:2, :].T @ gram_inverse(X[:2, :]) @ t[:2, :]),),
        ),
        Equation(
            name="minibatch-step",
            derivation=(
                r"\nabla_{\mathbf w}(\mathbf x_j^T\mathbf w-t_j)^2 &= 2\mathbf x_j(\mathbf "
                r"x_j^T\mathbf w-t_j)",
                r"\textstyle\sum_{j\in\mathcal B}2\mathbf x_j(\mathbf x_j^T\mathbf w-t_j) &= "
                r"2X_{\mathcal B}^T(X_{\mathcal B}\mathbf w-\mathbf t_{\mathcal B})",
                r"\mathbf w_{t+1} &= \mathbf w-\frac{\eta}{b}\cdot2X_{\mathcal B}^T(X_{\mathcal "
                r"B}\mathbf w-\mathbf t_{\mathcal B})\quad(X_{\mathcal B}, \text{ not } X)",
            ),
            asks=r"One mini-batch step (batch $\mathcal B$ = the first $b$ rows) in matrix form",
            form="matrix form",
            lhs=first_batch_step_by_examples,
            rhs=lambda w, X, t, eta: batch_step(w, X, t, eta, batches(X.shape[0])[0]),
            answer_latex=r"\mathbf w-\frac{2\eta}{b}X_{\mathcal B}^T(X_{\mathcal B}\mathbf w-"
                         r"\mathbf t_{\mathcal B})",
            claim=Claim(r"\mathbf{w}_{t+1} \leftarrow \mathbf{w}_t - \frac{\eta}{n} X^T "
                        r"(X\mathbf{w}_t - \mathbf{t}) \quad (6)",
                        lambda w, X, t, eta: w - eta / X.shape[0] * X.T @ (X @ w - t),
                        section="1.1.1 (Modified Output)"),
            wrong=(Wrong("full data instead of the batch",
                         lambda w, X, t, eta: w - 2 * eta / BATCH * X.T @ (X @ w - t)),
                   Wrong("gradient without the factor 2", lambda w, X, t, eta: w - eta / BATCH
                         * X[:BATCH, :].T @ (X[:BATCH, :] @ w - t[:BATCH, :]))),
        ),
        Equation(
            name="step-stays-in-row-space",
            derivation=(
                r"X_{\mathcal B} &= E_{\mathcal B}^TX,\quad X_{\mathcal B}^T=X^TE_{\mathcal "
                r"B}\quad(E_{\mathcal B}\in\mathbb R^{n\times b}\text{ picks the batch rows})",
                r"\mathbf w_{t+1} &= X^T\mathbf c-\frac{2\eta}{b}X^TE_{\mathcal B}(X_{\mathcal "
                r"B}X^T\mathbf c-\mathbf t_{\mathcal B})",
                r"&= X^T\Big(\mathbf c-\frac{2\eta}{b}E_{\mathcal B}(X_{\mathcal B}X^T\mathbf "
                r"c-\mathbf t_{\mathcal B})\Big)",
            ),
            asks=r"A mini-batch step from $\mathbf w=X^T\mathbf c$, written as $X^T\mathbf c'$",
            lhs=lambda X, t, c, eta: batch_step(X.T @ c, X, t, eta, batches(X.shape[0])[0]),
            rhs=lambda X, t, c, eta: X.T @ (c - (2 * eta / BATCH) * identity_like(c)[:, :BATCH]
                                           @ (X[:BATCH, :] @ X.T @ c - t[:BATCH, :])),
            answer_latex=r"X^T\Big(\mathbf c-\frac{2\eta}{b}E_{\mathcal B}(X_{\mathcal B}X^T"
                         r"\mathbf c-\mathbf t_{\mathcal B})\Big)",
            notes="E_B puts the batch's entries at their row indices: the update is a combination "
                  "of rows of X, so SGD never leaves span(rows of X).",
            claim=Claim(r"the updated steps of minibatch does not leave the span of $X$",
                        lambda X, t, c, eta: X.T @ (c - (2 * eta / BATCH)
                                                   * identity_like(c)[:, :BATCH]
                                                   @ (X[:BATCH, :] @ X.T @ c - t[:BATCH, :])),
                        section="1.1.1 (My solution)"),
            wrong=(Wrong("coefficients not re-indexed (batch rows dropped)",
                         lambda X, c: X.T @ c),),
        ),
        Equation(
            name="orthogonality",
            derivation=(
                r"\mathbf w^* &= X^T(XX^T)^{-1}\mathbf t,\qquad X\mathbf w=X\mathbf w^*=\mathbf t",
                r"(\mathbf w^*-\mathbf w)^T\mathbf w^* &= (X\mathbf w^*-X\mathbf "
                r"w)^T(XX^T)^{-1}\mathbf t = (\mathbf t-\mathbf t)^T(XX^T)^{-1}\mathbf t = 0",
                r"\mathbf w^T\mathbf w^* &= \mathbf w^{*T}\mathbf w^* = \|\mathbf w^*\|^2",
            ),
            asks=r"$\mathbf w^T\mathbf w^*$ for any other solution $\mathbf w$ of "
                 r"$X\mathbf w=\mathbf t$",
            lhs=lambda X, t, z: scalar(other_solution(X, t, z).T @ minimum_norm(X, t)),
            rhs=lambda X, t: sqnorm(minimum_norm(X, t)),
            answer_latex=r"\|\mathbf w^*\|^2,\ \text{i.e. }(\mathbf w^*-\mathbf w)^T"
                         r"\mathbf w^*=0",
            claim=Claim(r"(\tilde{\mathbf w}-\mathbf w)^T\tilde{\mathbf w}=0",
                        lambda X, t: sqnorm(minimum_norm(X, t)), section="1.1.1 (My solution)"),
            wrong=(Wrong("w^T w* = 0", lambda X, t: 0 * sqnorm(minimum_norm(X, t))),),
        ),
        Equation(
            name="pythagoras",
            derivation=(
                r"\|\mathbf w\|^2 &= \|(\mathbf w-\mathbf w^*)+\mathbf w^*\|^2 = \|\mathbf "
                r"w-\mathbf w^*\|^2+2(\mathbf w-\mathbf w^*)^T\mathbf w^*+\|\mathbf w^*\|^2",
                r"&= \|\mathbf w-\mathbf w^*\|^2+\|\mathbf w^*\|^2\quad\big((\mathbf w-\mathbf "
                r"w^*)^T\mathbf w^*=0\big)",
            ),
            asks=r"$\|\mathbf w\|^2$ for any solution $\mathbf w$ of $X\mathbf w=\mathbf t$",
            about=("X", "t", "z", "w_sol", "w_star"),
            lhs=lambda X, t, z: sqnorm(other_solution(X, t, z)),
            rhs=lambda X, t, z: sqnorm(other_solution(X, t, z) - minimum_norm(X, t))
            + sqnorm(minimum_norm(X, t)),
            answer_latex=r"\|\mathbf w-\mathbf w^*\|^2+\|\mathbf w^*\|^2\ \ge\ "
                         r"\|\mathbf w^*\|^2",
            claim=Claim(r"\|\mathbf w\|_2^2=\|\mathbf w-\tilde{\mathbf w}\|_2^2+\|\tilde{\mathbf w}"
                        r"\|_2^2\ge\|\tilde{\mathbf w}\|_2^2",
                        lambda X, t, z: sqnorm(other_solution(X, t, z) - minimum_norm(X, t))
                        + sqnorm(minimum_norm(X, t)), section="1.1.1 (My solution)"),
            wrong=(Wrong("cross term kept as 2 w^T w*", lambda X, t, z:
                         sqnorm(other_solution(X, t, z) - minimum_norm(X, t))
                         + 3 * sqnorm(minimum_norm(X, t))),),
        ),
        Equation(
            name="gram-rank",
            derivation=(
                r"\operatorname{rank}X^TX &= \operatorname{rank}X \le \min(n, d) = n",
                r"X^TX\in\mathbb R^{d\times d},\ n<d &\;\Rightarrow\; \text{singular: } "
                r"(X^TX)^{-1}\text{ does not exist}",
            ),
            asks=r"Rank of $X^TX$ ($d\times d$, full-rank $X$ with $n<d$; invertible needs $d$)",
            lhs=lambda X: rank(X.T @ X),
            rhs=lambda X: X.shape[0],
            answer_latex="n",
            wrong=(Wrong("d (invertible)", lambda X: X.shape[1]),),
        ),
    ),
    prose=(
        Claim("Since d > n, X^T X is invertible and (X^T X)^{-1} exists.",
              lambda X: X.shape[1], section="1.1.1 (Modified Output)", judged_by="gram-rank",
              reason="rank d: a d x d matrix is invertible exactly when its rank is d"),
        Claim("the update rule for mini-batch SGD is identical to the update rule for gradient "
              "descent with a specific learning rate", section="1.1.1 (Modified Output)",
              reason="a statement about the update rule: the minibatch-step part shows a batch "
                     "step uses X_B, not X (the claim's eq. 6 is rejected)"),
        Claim(r"$\tilde{\mathbf w}=X^TC$ where $C\in\mathbb R$", section="1.1.1 (My solution)",
              reason="C must be a vector in R^n, not a scalar; the step-stays-in-row-space part "
                     "checks the form X^T c"),
    ),
)
