"""Seed 002 §12: gradient descent on a quadratic, component by component in H's eigenbasis."""

import numpy as np

from derivekit.model import POSITIVE, SPD, Claim, ConvergenceRange, Derivative, Equation, \
    Figure, Given, Iteration, Limit, Optimum, Plot, Problem, Source, Wrong, interval
from derivekit.ops import abs_, diag, eigh, max_entry


def gd_step(w, H, w_star, rho):
    return w - rho * H @ (w - w_star)


def origin(w_star):
    return 0 * w_star


def largest_eigenvalue(H):
    return max_entry(eigh(H)[0])


def rate(rho, H):
    """Worst contraction factor max_j |1 - rho eta_j| of the GD error."""
    return max_entry(abs_(1 - rho * eigh(H)[0]))


def best_rho(H):
    eta = eigh(H)[0]
    return 2 / (eta[0, 0] + eta[-1, 0])


def iterate_in_eigenbasis(tau, H, w_star, rho):
    """w^τ = U diag(1 - (1 - ρη_j)^τ) Uᵀ w* (τ, the statement's step count)."""
    eta, U = eigh(H)
    return U @ diag(1 - (1 - rho * eta) ** tau) @ U.T @ w_star


EXAMPLE_EIGENVALUES = (1.0, 3.0, 10.0)


def rate_curve() -> Plot:
    """max_j |1 - rho eta_j| over rho for H = diag(1, 3, 10)."""
    eta = np.array(EXAMPLE_EIGENVALUES)
    rho = np.linspace(0.0, 0.25, 501)
    worst = np.abs(1 - rho[:, None] * eta[None, :]).max(axis=1)
    return Plot(series=(("max_j |1 - rho eta_j|", rho, worst),), xlabel="learning rate rho",
                ylabel="worst contraction factor",
                vlines=((2 / eta.max(), "2/eta_max (stability boundary)"),
                        (2 / (eta.min() + eta.max()), "best rho = 2/(eta_min+eta_max)")))


def error_curves() -> Plot:
    """||w_t - w*|| under GD from w_0 = 0 for several rho, H = diag(1, 3, 10), w* = 1."""
    eta = np.array(EXAMPLE_EIGENVALUES)
    bound = 2 / eta.max()
    series = []
    for label, rho in (("0.5 x 2/eta_max", 0.5 * bound), ("best rho", 2 / (eta.min() + eta.max())),
                       ("0.99 x 2/eta_max", 0.99 * bound), ("1.02 x 2/eta_max", 1.02 * bound)):
        t = np.arange(60)
        error = np.sqrt(((1 - rho * eta[None, :]) ** (2 * t[:, None])).sum(axis=1))
        series.append((label, t, error))
    return Plot(series=tuple(series), xlabel="step t", ylabel="||w_t - w*||", logy=True)


PROBLEM = Problem(
    id="quadratic-gd-eigen",
    title="Quadratic error: gradient descent in the Hessian's eigenbasis",
    source=Source("002_a2d52afd229cfba6.txt", "12"),
    statement=(
        r"$E(\mathbf w)=E_0+\frac12(\mathbf w-\mathbf w^*)^TH(\mathbf w-\mathbf w^*)$ with $H$ "
        r"symmetric positive definite, eigenpairs $Hu_j=\eta_ju_j$. Gradient descent "
        r"$\mathbf w^\tau=\mathbf w^{\tau-1}-\rho\nabla E$ starts at $\mathbf w^0=0$. Show "
        r"$w_j^\tau=\{1-(1-\rho\eta_j)^\tau\}w_j^*$ for $w_j=\mathbf w^Tu_j$, that "
        r"$\mathbf w^\tau\to\mathbf w^*$ iff $|1-\rho\eta_j|<1$ for all $j$ (i.e. "
        r"$0<\rho<2/\eta_{max}$), and find the fixed $\rho$ with the fastest worst-case rate."
    ),
    givens=(
        Given("H", ("n", "n"), SPD, "H"),
        Given("w_star", ("n", 1), latex=r"\mathbf{w}^*"),
        Given("w", ("n", 1), latex=r"\mathbf{w}"),
        Given("E0", (), latex="E_0"),
        Given("rho", (), interval(0.0, lambda H: 2 / largest_eigenvalue(H)), r"\rho",
              "learning rate inside the convergent range"),
        Given("eta_j", (), POSITIVE, r"\eta_j", "one eigenvalue"),
        Given("w_j_star", (), latex=r"w_j^*", description="w* along that eigenvector"),
        Given("eta_max", (), latex=r"\eta_{max}", definition="eigmax(H)"),
        Given("eta_min", (), latex=r"\eta_{min}", definition="eigmin(H)"),
    ),
    shapes=({"n": 2}, {"n": 3}, {"n": 5}),
    figures=(
        Figure("rate", "Worst-case GD contraction factor against the learning rate for "
               "H = diag(1, 3, 10): it reaches 1 at the stability boundary 2/eta_max and is "
               "smallest at 2/(eta_min + eta_max).", rate_curve),
        Figure("error", "Distance to the minimum under GD for H = diag(1, 3, 10): it shrinks "
               "for every rho below 2/eta_max and grows just above it.", error_curves),
    ),
    parts=(
        Derivative(
            name="gradient",
            asks=r"$\nabla E(\mathbf w)$",
            expression="E0 + (w - w_star).T @ H @ (w - w_star) / 2", wrt="w",
            answer_latex=r"H(\mathbf w-\mathbf w^*)",
            derivation=(
                r"dE &= \tfrac12\,d\mathbf w^T H(\mathbf w-\mathbf w^*)+\tfrac12(\mathbf w-"
                r"\mathbf w^*)^TH\,d\mathbf w",
                r"&= (\mathbf w-\mathbf w^*)^T\,\tfrac12(H+H^T)\,d\mathbf w"
                r" = \big(H(\mathbf w-\mathbf w^*)\big)^T d\mathbf w\quad(H=H^T)",
            ),
            claim=Claim(r"\nabla E = H(w - w^*)", "H @ (w - w_star)"),
            wrong=(Wrong("dropped w*", "H @ w"), Wrong("kept the 1/2", "H @ (w - w_star) / 2")),
        ),
        Iteration(
            name="eigen-component",
            asks=r"$w_j^\tau$ along one eigenvector, from $w_j^0=0$",
            step=lambda s, eta_j, w_j_star, rho: s - rho * eta_j * (s - w_j_star),
            start=lambda: 0,
            closed_form=lambda tau, eta_j, w_j_star, rho: (1 - (1 - rho * eta_j) ** tau)
            * w_j_star,
            answer_latex=r"w_j^\tau=\{1-(1-\rho\eta_j)^\tau\}\,w_j^*",
            derivation=(
                r"\mathbf w^\tau-\mathbf w^* &= (I-\rho H)(\mathbf w^{\tau-1}-\mathbf w^*)"
                r" = (I-\rho H)^\tau(\mathbf w^0-\mathbf w^*)",
                r"u_j^T(\mathbf w^\tau-\mathbf w^*) &= (1-\rho\eta_j)^\tau\,(0-w_j^*)"
                r"\quad\text{since } u_j^T(I-\rho H)=(1-\rho\eta_j)u_j^T",
            ),
            claim=Claim(r"w_j^\tau = \{1 - (1 - \rho\eta_j)^\tau\} w_j^*",
                        lambda t, eta_j, w_j_star, rho: (1 - (1 - rho * eta_j) ** t) * w_j_star),
            wrong=(Wrong("off by one step", lambda t, eta_j, w_j_star, rho:
                         (1 - (1 - rho * eta_j) ** (t + 1)) * w_j_star),
                   Wrong("the error instead of the iterate",
                         lambda t, eta_j, w_j_star, rho: (1 - rho * eta_j) ** t * w_j_star)),
        ),
        Iteration(
            name="gd-iterates",
            derivation=(
                r"\mathbf w^\tau &= \mathbf w^*-(I-\rho H)^\tau\mathbf w^* = "
                r"U\operatorname{diag}\big(1-(1-\rho\eta_j)^\tau\big)U^T\mathbf w^*",
            ),
            asks=r"$\mathbf w^\tau$ (all components at once)",
            step=gd_step,
            start=origin,
            closed_form=iterate_in_eigenbasis,
            answer_latex=r"\mathbf w^\tau=U\operatorname{diag}\big(1-(1-\rho\eta_j)^\tau\big)"
                         r"U^T\mathbf w^*=\big(I-(I-\rho H)^\tau\big)\mathbf w^*",
            wrong=(Wrong("rho instead of rho*eta_j", lambda t, H, w_star, rho:
                         (1 - (1 - rho) ** t) * w_star),),
        ),
        ConvergenceRange(
            name="convergence",
            derivation=(
                r"\mathbf w^\tau\to\mathbf w^* &\iff \max_j|1-\rho\eta_j|<1 \iff "
                r"0<\rho<2/\eta_{max}",
            ),
            asks=r"Learning rates $\rho$ for which $\mathbf w^\tau\to\mathbf w^*$",
            step=gd_step,
            start=origin,
            param="rho",
            lower=lambda: 0.0,
            upper=lambda H: 2 / largest_eigenvalue(H),
            answer_latex=r"0<\rho<\frac{2}{\eta_{max}}",
            claim=Claim(r"|1 - \rho\eta_j| < 1 for all j", lambda H: 2 / largest_eigenvalue(H)),
            wrong=(Wrong("2/eta_min", lambda H: 2 / eigh(H)[0][0, 0]),
                   Wrong("1/eta_max", lambda H: 1 / largest_eigenvalue(H))),
        ),
        Limit(
            name="limit",
            derivation=(
                r"|1-\rho\eta_j|<1\ \forall j &\;\Rightarrow\; (1-\rho\eta_j)^\tau\to0 "
                r"\;\Rightarrow\; w_j^\tau\to w_j^*",
            ),
            asks=r"$\lim_{\tau\to\infty}\mathbf w^\tau$ for $\rho$ in that range",
            step=gd_step,
            start=origin,
            answer=lambda w_star: w_star,
            answer_latex=r"\mathbf w^*",
            claim=Claim(r"\mathbf{w}^\tau \rightarrow \mathbf{w}^*", lambda w_star: w_star),
            wrong=(Wrong("H w*", lambda H, w_star: H @ w_star),),
        ),
        Optimum(
            name="best-step",
            derivation=(
                r"r(\rho) &= \max\big(|1-\rho\eta_{min}|,\,|1-\rho\eta_{max}|\big)",
                r"1-\rho\eta_{min} &= \rho\eta_{max}-1 \;\Rightarrow\; "
                r"\rho^*=\frac{2}{\eta_{min}+\eta_{max}}",
            ),
            asks=r"The fixed $\rho$ minimising the worst rate $\max_j|1-\rho\eta_j|$",
            of=rate,
            wrt="rho",
            answer=best_rho,
            smooth=False,
            answer_latex=r"\rho^*=\frac{2}{\eta_{min}+\eta_{max}}",
            wrong=(Wrong("1/eta_max", lambda H: 1 / largest_eigenvalue(H)),
                   Wrong("1/eta_min", lambda H: 1 / eigh(H)[0][0, 0])),
        ),
        Equation(
            name="best-rate",
            derivation=(
                r"r(\rho^*) &= 1-\frac{2\eta_{min}}{\eta_{min}+\eta_{max}} = "
                r"\frac{\kappa-1}{\kappa+1}",
            ),
            asks=r"The worst-case rate at $\rho^*$",
            lhs=lambda H: rate(best_rho(H), H),
            rhs=lambda H: (largest_eigenvalue(H) - eigh(H)[0][0, 0])
            / (largest_eigenvalue(H) + eigh(H)[0][0, 0]),
            answer_latex=r"\frac{\kappa-1}{\kappa+1},\ \kappa=\eta_{max}/\eta_{min}",
            wrong=(Wrong("(kappa-1)/kappa", lambda H: 1 - eigh(H)[0][0, 0]
                         / largest_eigenvalue(H)),),
        ),
    ),
)
