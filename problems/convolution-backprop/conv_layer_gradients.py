"""Seed 002 §5: gradients of a 2-D convolution layer are convolutions themselves."""

import numpy as np

from derivekit.model import Claim, Derivative, Given, Problem, Source, Wrong
from derivekit.ops import total, vstack


def xcorr(X, K):
    """Valid cross-correlation, the seed's O = X * F: O_ij = Σ_mn X_{i+m, j+n} K_mn,
    written as a sum of shifted slices of X weighted by the kernel entries."""
    p, q = X.shape[0] - K.shape[0] + 1, X.shape[1] - K.shape[1] + 1
    out = 0
    for m in range(K.shape[0]):
        for n in range(K.shape[1]):
            out = out + K[m, n] * X[m:m + p, n:n + q]
    return out


def pad(a, r, c):
    """``a`` with r zero rows above and below and c zero columns left and right."""
    side = np.zeros((a.shape[0], c))
    wide = vstack(side.T, a.T, side.T).T
    top = np.zeros((r, wide.shape[1]))
    return vstack(top, wide, top)


def flip(a):
    """Rotate by 180 degrees: a[i, j] -> a[-1 - i, -1 - j]."""
    return a[::-1, ::-1]


def full_conv(A, K):
    """Full convolution A ⊗ K: (A ⊗ K)_ij = Σ_mn A_mn K_{i-m, j-n} (zero outside K)."""
    return xcorr(pad(A, K.shape[0] - 1, K.shape[1] - 1), flip(K))


def loss(X, F, G):
    """Any L whose upstream gradient ∂L/∂O is G: L = Σ_ij G_ij O_ij (the linearisation)."""
    return total(G * xcorr(X, F))


PROBLEM = Problem(
    id="conv-layer-gradients",
    title="Backpropagation through a convolution: convolution in each direction",
    source=Source("002_a2d52afd229cfba6.txt", "5"),
    statement=(
        r"A layer computes $O=X*F$, $O_{ij}=\sum_{m,n}X_{i+m,j+n}F_{mn}$ (valid, no flip: the "
        r"seed's $*$). With $G=\partial L/\partial O$ given, show $\partial L/\partial F=X*G$ "
        r"and $\partial L/\partial X=F\otimes G$, where $(A\otimes B)_{ij}=\sum_{m,n}A_{mn}"
        r"B_{i-m,j-n}$ is the full convolution (equivalently, $G$ zero-padded and "
        r"cross-correlated with $F$ rotated by $180^\circ$)."
    ),
    givens=(Given("X", ("h", "w")), Given("F", ("k", "l")),
            Given("G", ("p", "q"), latex=r"\partial L/\partial O")),
    shapes=({"p": 1, "q": 2, "k": 3, "l": 2, "h": 3, "w": 3},  # first not square: the grader
            {"p": 2, "q": 2, "k": 2, "l": 2, "h": 3, "w": 3},  # reads a transposed ∂L/∂F off it
            {"p": 2, "q": 1, "k": 2, "l": 3, "h": 3, "w": 3}),
    parts=(
        Derivative(
            name="grad-filter",
            asks=r"$\partial L/\partial F$",
            of=loss, wrt="F",
            answer=lambda X, G: xcorr(X, G),
            answer_latex=r"X*\frac{\partial L}{\partial O},\ \text{i.e. } \frac{\partial L}"
                         r"{\partial F_{mn}}=\sum_{ij}\frac{\partial L}{\partial O_{ij}}"
                         r"X_{i+m,j+n}",
            derivation=(
                r"L &= \textstyle\sum_{ij}G_{ij}O_{ij},\quad \frac{\partial O_{ij}}{\partial "
                r"F_{mn}}=X_{i+m,j+n}",
                r"\frac{\partial L}{\partial F_{mn}} &= \textstyle\sum_{ij}G_{ij}X_{i+m,j+n} = "
                r"(X*G)_{mn}",
            ),
            claim=Claim(r"\frac{\partial L}{\partial F} = X * \frac{\partial L}{\partial O},\ "
                        r"\frac{\partial L}{\partial F_{m,n}} = \sum_i \sum_j \frac{\partial L}"
                        r"{\partial O_{i,j}} X_{i+m,j+n}", lambda X, G: xcorr(X, G), section="5"),
            wrong=(Wrong("a true (flipped) convolution of X with ∂L/∂O",
                         lambda X, G: xcorr(X, flip(G))),),
        ),
        Derivative(
            name="grad-input",
            asks=r"$\partial L/\partial X$",
            of=loss, wrt="X",
            answer=lambda F, G: full_conv(G, F),
            answer_latex=(r"F\otimes\frac{\partial L}{\partial O}=\operatorname{pad}_{k-1,l-1}"
                          r"\!\big(\tfrac{\partial L}{\partial O}\big)*\operatorname{rot}_{180}(F)"),
            derivation=(
                r"\frac{\partial O_{ij}}{\partial X_{ab}} &= F_{a-i,\,b-j}\quad (\text{zero "
                r"outside } F)",
                r"\frac{\partial L}{\partial X_{ab}} &= \textstyle\sum_{ij}G_{ij}F_{a-i,b-j} = "
                r"(G\otimes F)_{ab} = (F\otimes G)_{ab}",
                r"&= \big(\operatorname{pad}_{k-1,l-1}(G)*\operatorname{rot}_{180}(F)\big)_{ab}",
            ),
            notes="The claim is evaluated as written, F ⊗ G with F padded and G flipped; the "
                  "answer as G padded and F flipped (the full convolution commutes).",
            claim=Claim(r"\frac{\partial L}{\partial X_{i,j}} = \sum_m \sum_n \frac{\partial L}"
                        r"{\partial O_{m,n}} F_{i-m,j-n},\ \text{i.e. } \frac{\partial L}"
                        r"{\partial X} = F \otimes \frac{\partial L}{\partial O}",
                        lambda F, G: full_conv(F, G), section="5"),
            wrong=(Wrong("padded ∂L/∂O cross-correlated with F unflipped",
                         lambda F, G: xcorr(pad(G, F.shape[0] - 1, F.shape[1] - 1), F)),),
        ),
    ),
)
