"""Seed 001 Problem 3.4: dilated convolution — a worked example, the output size, and the
receptive field of a 3x3 (d=1) then 3x3 (d=2) stack."""

from derivekit.model import Claim, Equation, Given, Problem, Source, Wrong, integers
from derivekit.ops import SymbolicUnsupported, backend, step, vstack

MAX_STARTS = 48
MAX_TAPS = 6


def dilate(kernel, d):
    """Insert d - 1 zeros between neighbouring kernel entries (nested lists of numbers)."""
    k = len(kernel)
    size = d * (k - 1) + 1
    out = [[0] * size for _ in range(size)]
    for a in range(k):
        for b in range(k):
            out[a * d][b * d] = kernel[a][b]
    return out


def correlate_valid(image, kernel):
    """Stride 1, no padding: the CNN layer's sliding dot product, by explicit loops."""
    n, k = len(image), len(kernel)
    return [[sum(image[i + a][j + b] * kernel[a][b] for a in range(k) for b in range(k))
             for j in range(n - k + 1)] for i in range(n - k + 1)]


def fits(start, k, d, size, pad):
    """1 when every tap start + t*d (t < k) lies inside the padded input, tested tap by tap."""
    inside = 1
    for t in range(MAX_TAPS):
        used = step(2 * (k - 1 - t) + 1)
        outside = step(2 * (start + t * d - (size + 2 * pad - 1)) - 1)
        inside = inside * (1 - used * outside)
    return inside


def dilated_slide(size, k, d, pad, s):
    """Output length by sliding the dilated kernel over the starts 0, s, 2s, ..."""
    if backend(size, k, d, pad, s) == "symbolic":
        raise SymbolicUnsupported("counting window positions needs numeric sizes")
    return sum(fits(j * s, k, d, size, pad) for j in range(MAX_STARTS))


def receptive_field(layers):
    """Input positions (per axis) reaching output position 0 through (kernel, dilation)
    layers at stride 1: propagate the set of positions back layer by layer."""
    seen = {0}
    for k, d in reversed(layers):
        seen = {p + t * d for p in seen for t in range(k)}
    return max(seen) - min(seen) + 1


M = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
ONES = [[1, 1], [1, 1]]

PROBLEM = Problem(
    id="dilated-convolution",
    title="Dilated convolution: example, output size and receptive field",
    source=Source("001_971515a154971c79.txt", "P3.4"),
    statement=(
        r"A $d$-dilated kernel has $d-1$ gaps between neighbouring entries. (a) The dilated "
        r"convolution ($d=2$, stride 1, padding 0) of $M=\begin{pmatrix}1&2&3\\4&5&6\\7&8&9"
        r"\end{pmatrix}$ with the $2\times2$ kernel of ones. (b) The receptive field of "
        r"DilatedConv1($3\times3$, $d=1$) $\to$ DilatedConv2($3\times3$, $d=2$). Also: the "
        r"output size of a $K$-tap, $d$-dilated convolution with padding $P$ and stride $S$."
    ),
    givens=(
        Given("k", (), integers(1, 4), "K", "kernel size"),
        Given("d", (), integers(1, 3), "d", "dilation"),
        Given("pad", (), integers(0, 2), "P", "padding"),
        Given("s", (), integers(1, 3), "S", "stride"),
        Given("w", (), integers(lambda k, d: d * (k - 1) + 1, 20), "W", "input size"),
    ),
    shapes=({}, {}, {}),
    parts=(
        Equation(
            name="dilated-example",
            derivation=(
                r"\text{dilated kernel} &= \begin{pmatrix}1&0&1\\0&0&0\\1&0&1\end{pmatrix}\ "
                r"(3\times3),\ \text{output } (3-3+1)\times(3-3+1) = 1\times1",
                r"y &= M_{11}+M_{13}+M_{31}+M_{33} = 1+3+7+9 = 20",
            ),
            asks=r"(a) $M$ convolved with the 2-dilated $2\times2$ kernel of ones",
            lhs=lambda: correlate_valid(M, dilate(ONES, 2))[0][0],
            rhs=lambda: 1 + 3 + 7 + 9,
            answer_latex=r"1+3+7+9=20\ (1\times1\text{ output; the dilated kernel is }3\times3)",
            claim=Claim(r"Dilate the kernel (it becomes 3 \times 3) and then convolve. The answer "
                        r"is a scalar equal to 20.", lambda: 20, section="P3.4(a)"),
            wrong=(Wrong("undilated, top-left window", lambda: 1 + 2 + 4 + 5),
                   Wrong("sum of M", lambda: 45)),
        ),
        Equation(
            name="dilated-output-size",
            derivation=(
                r"K_{\text{eff}} &= d(K-1)+1\quad (d-1 \text{ gaps between } K \text{ taps})",
                r"W' &= \left\lfloor\frac{W+2P-K_{\text{eff}}}{S}\right\rfloor+1 = "
                r"\left\lfloor\frac{W+2P-d(K-1)-1}{S}\right\rfloor+1",
            ),
            asks=r"Output size of a $K$-tap, $d$-dilated convolution, padding $P$, stride $S$",
            lhs=lambda w, k, d, pad, s: dilated_slide(w, k, d, pad, s),
            rhs=lambda w, k, d, pad, s: (w + 2 * pad - d * (k - 1) - 1) // s + 1,
            answer_latex=r"\left\lfloor\frac{W+2P-d(K-1)-1}{S}\right\rfloor+1",
            notes="Not asked by the seed; it is the size formula behind part (a) "
                  "(effective kernel d(K-1)+1).",
            wrong=(Wrong("dilation ignored", lambda w, k, pad, s: (w + 2 * pad - k) // s + 1),
                   Wrong("effective kernel dK", lambda w, k, d, pad, s:
                         (w + 2 * pad - d * k) // s + 1)),
        ),
        Equation(
            name="two-layer-receptive-field",
            derivation=(
                r"\text{layer 2 } (3\times3,\ d=2)&:\ 1+(3-1)\cdot2 = 5 \text{ positions of layer "
                r"1}",
                r"\text{layer 1 } (3\times3,\ d=1)&:\ 5+(3-1)\cdot1 = 7\ \Rightarrow\ 7\times7",
            ),
            asks=r"(b) Receptive field (rows, columns) after $3\times3$, $d=1$ then "
                 r"$3\times3$, $d=2$",
            lhs=lambda: vstack(receptive_field(((3, 1), (3, 2))),
                               receptive_field(((3, 1), (3, 2)))),
            rhs=lambda: vstack(7, 7),
            answer_latex=r"1+(3-1)\cdot1+(3-1)\cdot2=7:\ 7\times7",
            claim=Claim(r"7 \times 7. The dilated filter is 5 \times 5 with gaps. But the layer "
                        r"before is 3 \times 3.", lambda: vstack(7, 7), section="P3.4(b)"),
            wrong=(Wrong("the dilated layer alone: 5x5", lambda: vstack(5, 5)),
                   Wrong("3 + 5 + 1 = 9x9", lambda: vstack(9, 9))),
        ),
    ),
)
