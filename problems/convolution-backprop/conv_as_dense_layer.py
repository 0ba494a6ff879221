"""Seed 002 §7: a convolutional layer is a dense layer with structured weights."""

import numpy as np

from derivekit.model import Claim, Equation, Given, Problem, Source, Wrong
from derivekit.ops import sigmoid


def xcorr(X, F):
    """O_ij = Σ_mn X_{i+m, j+n} F_mn (valid), as a sum of shifted slices of X."""
    p, q = X.shape[0] - F.shape[0] + 1, X.shape[1] - F.shape[1] + 1
    out = 0
    for m in range(F.shape[0]):
        for n in range(F.shape[1]):
            out = out + F[m, n] * X[m:m + p, n:n + q]
    return out


def selection(shape, kernel, m, n):
    """0/1 matrix picking X_{i+m, j+n} (row-major vec) into row i*q + j."""
    h, w = shape
    p, q = h - kernel[0] + 1, w - kernel[1] + 1
    s = np.zeros((p * q, h * w), dtype=int)
    for i in range(p):
        for j in range(q):
            s[i * q + j, (i + m) * w + (j + n)] = 1
    return s


def unrolled(F, shape):
    """The dense weight matrix A = Σ_mn F_mn S_mn: one row per filter position."""
    kernel = F.shape
    return sum(F[m, n] * selection(shape, kernel, m, n)
               for m in range(kernel[0]) for n in range(kernel[1]))


def vec(a):
    """Row-major flattening into a column."""
    return a.reshape(-1, 1)


def dense_equivalent(X, F):
    return unrolled(F, X.shape) @ vec(X)


PROBLEM = Problem(
    id="conv-as-dense-layer",
    title="CNNs as MLPs: convolution unrolled into a matrix product",
    source=Source("002_a2d52afd229cfba6.txt", "7"),
    statement=(
        r"Can an MLP reproduce a CNN? Show that a convolution $O=X*F$ of an $h\times w$ input "
        r"is a dense layer $O_f=AX_f$ on the flattened input (one row of $A$ per filter "
        r"position), and that a convolutional layer with activation is $\sigma(AX_f+b)$. "
        r"Single channel; the seed's "
        r"$c$ channels stack such blocks side by side."
    ),
    givens=(Given("X", ("h", "w")), Given("F", ("k", "l")), Given("b", ()),
            Given("X_f", ("h*w", 1), latex="X_f", description="the input flattened row by row",
                  definition="vec(X)"),
            Given("A", ("(h-k+1)*(w-l+1)", "h*w"), latex="A",
                  description="the unrolled filter: row (i,j) holds F_mn at column (i+m,j+n)",
                  definition="sum_{m=1}^{k} sum_{n=1}^{l} F_{m,n} * kron(I_h[m-1:m+h-k, :], "
                             "I_w[n-1:n+w-l, :])")),
    shapes=({"h": 3, "w": 4, "k": 2, "l": 2}, {"h": 4, "w": 3, "k": 3, "l": 2},
            {"h": 3, "w": 3, "k": 2, "l": 3}),
    parts=(
        Equation(
            name="conv-as-matmul",
            asks=r"$\operatorname{vec}(X*F)=A\,\operatorname{vec}(X)$ with $A=\sum_{mn}F_{mn}"
                 r"S_{mn}$",
            lhs=lambda X, F: vec(xcorr(X, F)),
            rhs=dense_equivalent,
            answer_latex=r"O_f=AX_f\quad(A_{(i,j),(i+m,j+n)}=F_{mn}\text{, zero elsewhere})",
            derivation=(
                r"O_{ij} &= \textstyle\sum_{m,n}F_{mn}X_{i+m,j+n},\quad "
                r"(S_{mn})_{iq+j,\,(i+m)w+j+n}=1",
                r"\Rightarrow O_{ij} &= "
                r"\textstyle\sum_{m,n}F_{mn}\big(S_{mn}\operatorname{vec}X\big)_{iq+j} \quad "
                r"(q=w-l+1)",
                r"\operatorname{vec}(O) &= "
                r"\Big(\textstyle\sum_{m,n}F_{mn}S_{mn}\Big)\operatorname{vec}(X) = "
                r"A\operatorname{vec}(X)",
            ),
            claim=Claim(r"For each position where the filter is applied, there is a "
                        r"corresponding row in a matrix A such that A \cdot X_f = O_f",
                        dense_equivalent, section="7 proof 2"),
            wrong=(Wrong("input flattened column-major (vec of X^T)",
                         lambda X, F: unrolled(F, X.shape) @ vec(X.T)),
                   Wrong("kernel flipped in A", lambda X, F: unrolled(F[::-1, ::-1], X.shape)
                         @ vec(X))),
        ),
        Equation(
            name="conv-layer-as-dense-layer",
            asks=r"A convolutional layer with bias and sigmoid as an MLP layer",
            lhs=lambda X, F, b: vec(sigmoid(xcorr(X, F) + b)),
            rhs=lambda X, F, b: sigmoid(unrolled(F, X.shape) @ vec(X) + b),
            answer_latex=r"O_f=\sigma(AX_f+b\mathbf 1)\ \text{(bias shared by all rows)}",
            derivation=(
                r"\operatorname{vec}\big(\sigma(X*F+b)\big) &= "
                r"\sigma\big(\operatorname{vec}(X*F)+b\mathbf 1\big)\quad (\sigma \text{ "
                r"element-wise})",
                r"&= \sigma\big(A\operatorname{vec}(X)+b\mathbf 1\big)",
            ),
            claim=Claim(r"O_f = \sigma(W \cdot X_f + b), where W and b are chosen to replicate "
                        r"the convolutional filters and their application across the input",
                        lambda X, F, b: sigmoid(unrolled(F, X.shape) @ vec(X) + b),
                        section="7 proof 3"),
            wrong=(Wrong("bias dropped", lambda X, F: sigmoid(unrolled(F, X.shape) @ vec(X))),),
        ),
    ),
    prose=(
        Claim(r"Yes, an equivalent MLP can be created from a CNN ... flattening the input, "
              r"unrolling each convolution into a matrix multiplication",
              section="7",
              reason="the construction itself is verified (parts conv-as-matmul and "
                     "conv-layer-as-dense-layer); 'can be created' is the existence statement "
                     "they witness"),
        Claim(r"An equivalent MLP would require a much larger number of parameters; CNNs have "
              r"lower computational complexity than dense layers",
              section="7 efficiency",
              reason="a comparison with no stated sizes: an untied dense A has (h-k+1)(w-l+1)hw "
                     "entries against kl for the filter, but an MLP with tied weights has the "
                     "same kl parameters, so 'much larger' depends on an unstated assumption"),
        Claim(r"The practical advantages of CNNs, such as parameter sharing and local "
              r"connectivity, make them more suitable for tasks involving spatial hierarchies",
              section="7 conclusion", reason="an opinion about practice, not a checkable "
                                             "statement"),
    ),
)
