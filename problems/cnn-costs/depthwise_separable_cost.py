"""Seed 003 Problem 3(b): a 1x1 convolution mixes channels only; depthwise-separable cost ratio."""

from derivekit.model import Claim, Equation, Given, Problem, Source, Wrong
from derivekit.ops import total, vstack


def count(a):
    """Number of entries of an explicit weight array."""
    return total(1 + 0 * a)


def rows(entries):
    """A matrix from a list of rows, each a list of scalars."""
    return vstack(*[vstack(*row).T for row in entries])


def pixels(X):
    """The h*w channel vectors of X as the rows of a matrix (row-major over pixels)."""
    return vstack(*[X[i, j:j + 1, :] for i in range(X.shape[0]) for j in range(X.shape[1])])


def conv1x1_loops(X, K1):
    """out[(i, j), o] = Σ_c X[i, j, c] K1[0, 0, c, o]: the 1x1 kernel slid over every pixel."""
    h, w, c_in = X.shape
    c_out = K1.shape[3]
    return rows([[sum(X[i, j, c] * K1[0, 0, c, o] for c in range(c_in)) for o in range(c_out)]
                 for i in range(h) for j in range(w)])


def multiplications(X, F, c_out, separable):
    """Multiplications of a stride-1, unpadded F x F convolution of X to c_out channels,
    counted while sliding: standard, or depthwise (one F x F filter per input channel)
    followed by a 1x1 pointwise convolution."""
    h, w, c_in = X.shape
    done = 0
    for _ in range(h - F + 1):
        for _ in range(w - F + 1):
            if separable:
                done += sum(F * F for _ in range(c_in))
                done += sum(c_in for _ in range(c_out))
            else:
                done += sum(F * F * c_in for _ in range(c_out))
    return done


def positions(X, F):
    """Output pixels of a stride-1, unpadded F x F convolution."""
    return (X.shape[0] - F + 1) * (X.shape[1] - F + 1)


def separable_weights(W_dw, W_pw):
    F, _, c_in = W_dw.shape
    return F * F * c_in + c_in * W_pw.shape[1]


def standard_weights(W_dw, W_pw):
    F, _, c_in = W_dw.shape
    return F * F * c_in * W_pw.shape[1]


def ratio(F, c_out):
    """Separable over standard cost, biases left out: 1/D_out + 1/F^2."""
    return 1 / c_out + 1 / (F * F)


PROBLEM = Problem(
    id="depthwise-separable-cost",
    title="1x1 convolutions and the cost of depthwise-separable convolution",
    source=Source("003_e61c9815763fc135.txt", "Problem 3(b)"),
    statement=(
        r"Show that a $1\times1$ convolution from $D_{in}$ to $D_{out}$ channels applies one "
        r"$D_{in}\times D_{out}$ matrix to the channel vector of every pixel. An $F\times F$ "
        r"convolution from $D_{in}$ to $D_{out}$ channels has $F^2D_{in}D_{out}$ weights; its "
        r"depthwise-separable replacement ($F\times F$ depthwise, then $1\times1$ pointwise) has "
        r"$F^2D_{in}+D_{in}D_{out}$. Find the ratio of parameters and of multiplications "
        r"(biases left out)."
    ),
    givens=(
        Given("X", ("h", "w", "Din"), latex="X", description="input feature map"),
        Given("K1", (1, 1, "Din", "Dout"), latex="K_{1\\times1}", description="1x1 kernel"),
        Given("K", ("Din", "Dout"), latex="K", description="the 1x1 kernel as a matrix, "
              "K = K_{0,0,:,:}", definition="reshape(K1, Din, Dout)"),
        Given("W_std", ("F", "F", "Din", "Dout"), latex="W", description="standard kernel"),
        Given("W_dw", ("F", "F", "Din"), latex="W_{dw}", description="depthwise kernels"),
        Given("W_pw", ("Din", "Dout"), latex="W_{pw}", description="pointwise kernel"),
    ),
    shapes=({"h": 4, "w": 4, "F": 3, "Din": 2, "Dout": 4},
            {"h": 3, "w": 5, "F": 2, "Din": 3, "Dout": 2},
            {"h": 5, "w": 3, "F": 3, "Din": 1, "Dout": 3}),
    prose=(
        Claim(r"CNNs process input by spatial operations (patterns between adjacent pixels, "
              r"through receptive fields) and channel operations; depthwise-separable "
              r"convolution decouples them, and if two components of a distribution are "
              r"(somewhat) independent it is easier to handle them separately", section="P3(b)",
              reason="an intuition about why the factorisation works, not a statement with a "
                     "value; the factorisation itself is checked in one-by-one-mixes-channels"),
        Claim(r"such architectures have been proven to be faster and more efficient ... without "
              r"damaging (or even improving) the performance", section="P3(b)",
              reason="accuracy is an empirical property of trained networks and data sets; only "
                     "the cost side is checkable (parameter-ratio, multiplications)"),
    ),
    parts=(
        Equation(
            name="one-by-one-mixes-channels",
            derivation=(
                r"\mathrm{out}_{i,j,o} &= \textstyle\sum_c "
                r"X_{i,j,c}\,K_{0,0,c,o}\quad(1\times1\text{ kernel: no spatial neighbours})",
                r"&= (X_{i,j,:}\,K)_o,\quad K=K_{0,0,:,:}\in\mathbb{R}^{D_{in}\times "
                r"D_{out}}\text{ for every pixel}",
            ),
            asks=r"A $1\times1$ convolution equals (pixels $\times$ channels) $\cdot K$",
            lhs=conv1x1_loops,
            rhs=lambda X, K1: pixels(X) @ K1[0, 0],
            answer_latex=r"\operatorname{reshape}(X,hw,D_{in})\,K\quad(\text{row }(i,j)\text{ "
                         r"is }X_{i,j,:}K\text{, the same }K\in\mathbb{R}^{D_{in}\times D_{out}}"
                         r"\text{ for every pixel})",
            claim=Claim(r"a 1\times1 convolution is equivalent to independently processing "
                        r"channel information without changing spatial information",
                        lambda X, K1: pixels(X) @ K1[0, 0], section="P3(b)"),
            wrong=(Wrong("only input channel 0 reaches the outputs",
                         lambda X, K1: pixels(X)[:, :1] @ K1[0, 0][:1, :]),),
        ),
        Equation(
            name="parameter-ratio",
            derivation=(
                r"\text{standard} &= F^2D_{in}D_{out},\qquad \text{separable} = F^2D_{in} + "
                r"D_{in}D_{out}",
                r"\frac{F^2D_{in}+D_{in}D_{out}}{F^2D_{in}D_{out}} &= \frac{1}{D_{out}} + "
                r"\frac{1}{F^2}",
                r"F=3,\ D_{out}=256:\quad &\tfrac{1}{256}+\tfrac{1}{9}\approx 0.115",
            ),
            asks=r"Parameters of depthwise-separable over standard convolution",
            lhs=lambda W_std, W_dw, W_pw: (count(W_dw) + count(W_pw)) / count(W_std),
            rhs=lambda W_dw, W_pw: ratio(W_dw.shape[0], W_pw.shape[1]),
            answer_latex=r"\frac{F^2D_{in}+D_{in}D_{out}}{F^2D_{in}D_{out}}=\frac1{D_{out}}+"
                         r"\frac1{F^2}",
            notes="With F = 3 and D_out = 256 the ratio is 0.115, thirty times the seed's "
                  "1/D_out = 0.0039: the depthwise term 1/F^2 dominates once D_out > F^2.",
            claim=Claim(r"the number of parameters required for depthwise separable convolution "
                        r"is only about 1/D_{out} of the original",
                        lambda W_pw: 1 / W_pw.shape[1], section="P3(b)"),
            wrong=(Wrong("1/D_out (pointwise cost only)", lambda W_pw: 1 / W_pw.shape[1]),
                   Wrong("1/F^2 (depthwise cost only)", lambda W_dw: 1 / W_dw.shape[0] ** 2)),
        ),
        Equation(
            name="multiplications",
            derivation=(
                r"\text{output pixels} &= (h-F+1)(w-F+1)",
                r"\text{per pixel} &= F^2D_{in}D_{out}\ \text{(standard)},\quad F^2D_{in} + "
                r"D_{in}D_{out}\ \text{(depthwise + pointwise)}",
                r"\text{ratio} &= \frac{F^2D_{in}+D_{in}D_{out}}{F^2D_{in}D_{out}} = "
                r"\frac{1}{D_{out}} + \frac{1}{F^2}",
            ),
            asks=r"Multiplications of the separable and the standard convolution (stride 1, "
                 r"no padding)",
            lhs=lambda X, W_dw, W_pw: vstack(
                multiplications(X, W_dw.shape[0], W_pw.shape[1], True),
                multiplications(X, W_dw.shape[0], W_pw.shape[1], False)),
            rhs=lambda X, W_dw, W_pw: positions(X, W_dw.shape[0]) * vstack(
                separable_weights(W_dw, W_pw), standard_weights(W_dw, W_pw)),
            answer_latex=r"(h-F+1)(w-F+1)\,\big(F^2D_{in}+D_{in}D_{out},\ F^2D_{in}D_{out}\big)"
                         r":\ \text{ratio }\tfrac1{D_{out}}+\tfrac1{F^2}\text{ again}",
            wrong=(Wrong("pointwise pass counted once, not per pixel", lambda X, W_dw, W_pw:
                         vstack(positions(X, W_dw.shape[0]) * W_dw.shape[0] ** 2 * X.shape[2]
                                + X.shape[2] * W_pw.shape[1],
                                positions(X, W_dw.shape[0]) * standard_weights(W_dw, W_pw))),),
        ),
    ),
)
