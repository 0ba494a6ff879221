"""Seed 001 Problem 2: a length-L boxcar convolved with (1/2)^n u[n], the shift property,
and convolution versus the correlation used by CNN layers."""

import numpy as np

from derivekit.model import Claim, Equation, Figure, Given, Plot, Problem, Source, Wrong, integers
from derivekit.ops import SymbolicUnsupported, backend, step, vstack

TAPS = 24
"""Enough impulse-response taps for every sampled n (n <= 16, so only h[0..16] matter)."""


def boxcar(m, L):
    """x[m] = 1 for 0 <= m <= L-1, else 0 (m, L integers; step() keeps it branch-free)."""
    return step(2 * m + 1) * step(2 * (L - 1 - m) + 1)


def convolve_sum(n, L, shift=0):
    """y[n] = sum_i x[n - i - shift] h[i] with h[i] = (1/2)^i u[i], summed term by term."""
    if backend(n, L) == "symbolic":
        raise SymbolicUnsupported("the explicit convolution sum needs numeric n and L")
    return sum(boxcar(n - i - shift, L) * 0.5**i for i in range(TAPS))


def closed_form(n, L):
    """0 for n < 0; 2 - 2^-n for 0 <= n <= L-1; (2^L - 1) 2^-n for n >= L."""
    return (step(2 * n + 1) * step(2 * (L - 1 - n) + 1) * (2 - 2.0 ** (-n))
            + step(2 * (n - L) + 1) * (2.0**L - 1) * 2.0 ** (-n))


def convolution(x, h):
    """Full convolution by flip and drag: y[n] = sum_i x[n - i] h[i], n = 0 .. m + k - 2."""
    m, k = x.shape[0], h.shape[0]
    return vstack(*(sum(x[n - i, 0] * h[i, 0] for i in range(k) if 0 <= n - i < m)
                    for n in range(m + k - 1)))


def correlation(x, g):
    """What a CNN layer computes (no flip), zero-padded by k - 1 on both sides:
    c[n] = sum_j x[n + j - (k - 1)] g[j]."""
    m, k = x.shape[0], g.shape[0]
    return vstack(*(sum(x[n + j - (k - 1), 0] * g[j, 0] for j in range(k)
                        if 0 <= n + j - (k - 1) < m) for n in range(m + k - 1)))


def response_plot(L: int = 5) -> Plot:
    """y[n] and the shifted y_2[n] = y[n - 5] for a boxcar of length 5, n = -3 .. 20."""
    n = np.arange(-3, 21)
    y = np.array([convolve_sum(np.float64(k), np.float64(L)) for k in n])
    y2 = np.array([convolve_sum(np.float64(k), np.float64(L), shift=5) for k in n])
    return Plot(series=(("y[n] = x[n] * h[n]", n, y), ("y_2[n] = y[n-5]", n, y2)),
                xlabel="n", ylabel="output", stem=True)


PROBLEM = Problem(
    id="boxcar-exponential-convolution",
    title="Convolution of a boxcar with a decaying exponential",
    source=Source("001_971515a154971c79.txt", "P2"),
    statement=(
        r"$y[n]=x[n]*h[n]=\sum_i x[n-i]h[i]$. Is this the operation of a CNN layer? For the "
        r"boxcar $x[n]=1$ ($0\le n\le L-1$, else 0) and $h[n]=(1/2)^nu[n]$ compute $y[n]$ "
        r"(cases $n<0$, $0\le n<L-1$, $n\ge L-1$); then $y_2=h*x_2$ for $x_2[n]=x[n-5]$."
    ),
    givens=(
        Given("L", (), integers(1, 8), "L", "boxcar length"),
        Given("n", (), integers(-6, 16), "n", "time index"),
        Given("x", ("m", 1), latex="x", description="an input signal"),
        Given("h", ("k", 1), latex="h", description="a filter"),
    ),
    shapes=({"m": 4, "k": 2}, {"m": 3, "k": 3}, {"m": 5, "k": 4}),
    figures=(Figure("response", "Boxcar of length 5 convolved with (1/2)^n u[n], computed by "
                    "the convolution sum: it rises as 2 - 2^-n, then decays as (2^5 - 1) 2^-n; "
                    "shifting the input by 5 shifts the output by 5.", response_plot),),
    parts=(
        Equation(
            name="convolution-is-flipped-correlation",
            derivation=(
                r"(x*h)[n] &= \textstyle\sum_{i=0}^{k-1} x[n-i]\,h[i]",
                r"&= \textstyle\sum_{j=0}^{k-1} x[n+j-(k-1)]\,h[k-1-j]\qquad(i=k-1-j)",
                r"&= \text{correlation of } x \text{ with } g[j] = h[k-1-j]",
            ),
            asks=r"Convolution with $h$ equals the CNN correlation with the flipped filter",
            lhs=convolution,
            rhs=lambda x, h: correlation(x, h[::-1, :]),
            answer_latex=r"(x*h)[n]=\sum_j x[n+j-(k-1)]\,h[k-1-j]"
                         r"\ \text{(correlation with } h \text{ flipped)}",
            claim=Claim(r"For neural networks, the convolutional layer implements eq. (1) without "
                        r"flipping, and this operation is called correlation. ... Even though you "
                        r"implement 'true' convolution, you get the flipped kernel.",
                        lambda x, h: correlation(x, h[::-1, :]), section="P2.1"),
            wrong=(Wrong("correlation without flipping", correlation),),
        ),
        Equation(
            name="boxcar-response",
            derivation=(
                r"y[n] &= \textstyle\sum_{i\ge0} x[n-i]\,(1/2)^i = "
                r"\sum_{i=\max(0,\,n-L+1)}^{n}(1/2)^i\quad(=0 \text{ for } n<0)",
                r"y[n] &= \textstyle\sum_{i=0}^{n}(1/2)^i = 2-(1/2)^n\qquad(0\le n\le L-1)",
                r"y[n] &= \textstyle\sum_{i=n-L+1}^{n}(1/2)^i = (1/2)^n\sum_{j=0}^{L-1}2^j = "
                r"(2^L-1)(1/2)^n\qquad(n\ge L-1)",
            ),
            asks=r"$y[n]=x[n]*h[n]$ in closed form, checked against the convolution sum",
            form="closed form",
            lhs=lambda n, L: convolve_sum(n, L),
            rhs=closed_form,
            answer_latex=r"y[n]=\begin{cases}0 & n<0\\ 2-(1/2)^n & 0\le n\le L-1\\ "
                         r"(2^L-1)(1/2)^n & n\ge L-1\end{cases}",
            notes="The two formulas agree at n = L - 1. The seed computes no closed form.",
            wrong=(Wrong("boxcar never ends: 2 - 2^-n for all n >= 0",
                         lambda n, L: step(2 * n + 1) * (2 - 2.0 ** (-n))),
                   Wrong("tail (2^(L+1) - 1) 2^-n", lambda n, L: closed_form(n, L)
                         + step(2 * (n - L) + 1) * 2.0**L * 2.0 ** (-n)),
                   Wrong("ramp 1 - 2^-(n+1)", lambda n, L: closed_form(n, L) / 2)),
        ),
        Equation(
            name="shifted-response",
            derivation=(
                r"y_2[n] &= \textstyle\sum_i x_2[n-i]\,h[i] = \sum_i x[(n-5)-i]\,h[i]",
                r"&= y[n-5]",
            ),
            asks=r"$y_2[n]=h[n]*x[n-5]$",
            lhs=lambda n, L: convolve_sum(n, L, shift=5),
            rhs=lambda n, L: closed_form(n - 5, L),
            answer_latex=r"y_2[n]=y_{n-5}\text{ where }y_j=\sum_{i=\max(0,\,j-L+1)}^{j}(1/2)^i\ "
                         r"\text{(shift equivariance)}",
            claim=Claim(r"The output shifts the result by N. Therefore, the output of this "
                        r"convolution is y[n - N] = y[n - 5].",
                        lambda n, L: closed_form(n - 5, L), section="P2.3"),
            wrong=(Wrong("y[n + 5]", lambda n, L: closed_form(n + 5, L)),
                   Wrong("unchanged y[n]", closed_form)),
        ),
    ),
)
