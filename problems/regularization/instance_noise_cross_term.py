"""Seed 001 P1: the intermediate steps of E||X~w - y||^2: expanding one noisy row's square
and the noise moments used on it (the result itself is instance-noise-ridge)."""

from derivekit.model import (
    POSITIVE,
    Claim,
    Equation,
    Expectation,
    Given,
    Problem,
    Source,
    Wrong,
    normal,
)
from derivekit.ops import identity_like, scalar, sqnorm


def residual(x, w, y1):
    return scalar(x.T @ w) - y1


PROBLEM = Problem(
    id="instance-noise-cross-term",
    title="Instance noise: expanding one noisy row of the least-squares objective",
    source=Source("001_971515a154971c79.txt", "P1"),
    statement=(
        r"For one row $\tilde X_i=X_i+N_i$ with $N_i\sim\mathcal N(0,\sigma^2 I_n)$, expand "
        r"$\big(\tilde X_i^Tw-y_i\big)^2$ into the noise-free residual, a cross term and a "
        r"noise term; give $E[N_iN_i^T]$ and $E[(N_i^Tw)^2]$."
    ),
    givens=(
        Given("x", ("n", 1), latex="X_i", description="one data point"),
        Given("e", ("n", 1), latex="N_i", description="one noise draw (any value)"),
        Given("w", ("n", 1), latex="w"),
        Given("y1", (), latex="y_i", description="its label"),
        Given("sigma", (), POSITIVE, r"\sigma"),
    ),
    shapes=({"n": 3}, {"n": 1}, {"n": 4}),
    parts=(
        Equation(
            name="row-expansion",
            derivation=(
                r"\tilde X_i^Tw-y_i &= r+u,\qquad r = X_i^Tw-y_i,\ u = N_i^Tw",
                r"(r+u)^2 &= r^2+2ur+u^2 = (X_i^Tw-y_i)^2+2(N_i^Tw)(X_i^Tw-y_i)+(N_i^Tw)^2",
            ),
            asks=r"$(X_i^Tw+N_i^Tw-y_i)^2$ expanded",
            form="expanded in e",
            lhs=lambda x, e, w, y1: (scalar((x + e).T @ w) - y1) ** 2,
            rhs=lambda x, e, w, y1: residual(x, w, y1) ** 2
            + 2 * scalar(e.T @ w) * residual(x, w, y1) + scalar(e.T @ w) ** 2,
            answer_latex=r"(X_i^Tw-y_i)^2+2(N_i^Tw)(X_i^Tw-y_i)+(N_i^Tw)^2",
            notes="The seed writes a sum on the left and one row on the right; the sign of "
                  "the cross term does not matter for the result only because its "
                  "expectation is 0.",
            claim=Claim(r"\sum(X_i^T w + N_i^T w - y_i)^2 = (X_i^T w - y_i)^2 - "
                        r"2(N_i^T w)(X_i^T w - y_i) + (N_i^T w)^2",
                        lambda x, e, w, y1: residual(x, w, y1) ** 2
                        - 2 * scalar(e.T @ w) * residual(x, w, y1) + scalar(e.T @ w) ** 2,
                        section="P1"),
            wrong=(Wrong("cross term -2 (the seed's sign)", lambda x, e, w, y1:
                         residual(x, w, y1) ** 2 - 2 * scalar(e.T @ w) * residual(x, w, y1)
                         + scalar(e.T @ w) ** 2),
                   Wrong("cross term without the 2", lambda x, e, w, y1:
                         residual(x, w, y1) ** 2 + scalar(e.T @ w) * residual(x, w, y1)
                         + scalar(e.T @ w) ** 2)),
        ),
        Expectation(
            name="noise-covariance",
            derivation=(
                r"E[(N_iN_i^T)_{jk}] &= E[N_{ij}N_{ik}] = \sigma^2\delta_{jk}\ \Rightarrow\ "
                r"E[N_iN_i^T] = \sigma^2 I_n",
                r"a^TE[N_iN_i^T]\,b &= \sigma^2a^Tb",
            ),
            asks=r"$E[N_iN_i^T]$, read through $a^TE[N_iN_i^T]b$ for arbitrary $a$, $b$",
            of=lambda N, x, w: scalar(x.T @ N @ N.T @ w),
            noise=(Given("N", ("n", 1), normal("sigma"), "N_i"),),
            equals=lambda x, w, sigma: sigma**2 * scalar(x.T @ identity_like(x) @ w),
            answer_latex=r"E[N_iN_i^T]=\sigma^2 I_n\quad(a^TE[N_iN_i^T]b=\sigma^2a^Tb)",
            notes="Expectation parts take a scalar integrand, so the matrix is probed with "
                  "the givens x (as a) and w (as b): equal for all a, b means equal matrices.",
            claim=Claim(r"E[N_i N_i^T] is the covariance for N_i i.e. \sigma^2 I_n",
                        lambda x, w, sigma: sigma**2 * scalar(x.T @ identity_like(x) @ w),
                        section="P1"),
            wrong=(Wrong("sigma I_n", lambda x, w, sigma: sigma * scalar(x.T @ w)),
                   Wrong("n sigma^2 (the mean of N^T N)",
                         lambda x, w, sigma: x.shape[0] * sigma**2 * scalar(x.T @ w))),
        ),
        Expectation(
            name="noise-term",
            derivation=(
                r"(N_i^Tw)^2 &= w^TN_iN_i^Tw",
                r"E[(N_i^Tw)^2] &= w^TE[N_iN_i^T]\,w = w^T\sigma^2I_n w = \sigma^2\|w\|^2",
            ),
            asks=r"$E[(N_i^Tw)^2]$",
            of=lambda N, w: scalar(N.T @ w) ** 2,
            noise=(Given("N", ("n", 1), normal("sigma"), "N_i"),),
            equals=lambda w, sigma: sigma**2 * sqnorm(w),
            answer_latex=r"w^TE[N_iN_i^T]w=\sigma^2\|w\|^2",
            notes="The seed says 'a N_i^T N_i will appear'; it is N_i N_i^T (N_i^T N_i is a "
                  "scalar with mean n sigma^2). Its resulting term w^T sigma^2 I_n w is right.",
            claim=Claim(r"The last term can be expanded, a N_i^T N_i will appear, giving us a "
                        r"\sigma^2 I_n: w^T \sigma^2 I_n w", lambda w, sigma: sigma**2 * sqnorm(w),
                        section="P1"),
            wrong=(Wrong("used N^T N: n sigma^2 ||w||^2",
                         lambda w, sigma: w.shape[0] * sigma**2 * sqnorm(w)),),
        ),
    ),
)
