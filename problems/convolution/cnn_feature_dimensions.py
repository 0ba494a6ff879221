"""Seed 001 Problem 3 (1-3): parameter counts and output shapes of convolution and max-pooling
layers, and the layer table of a small CNN."""

import numpy as np

from derivekit.model import Claim, Equation, Given, Problem, Source, Wrong, integers
from derivekit.ops import SymbolicUnsupported, backend, step, total, vstack

MAX_STARTS = 48
"""More window starts than any sampled size can hold (sizes stay below 25)."""


def slide(size, kernel, pad, stride):
    """Output length found by sliding: count the starts j*stride (j = 0, 1, ...) at which the
    window still fits inside the padded input. Symbolic sizes would give a pile of Piecewise
    terms SymPy cannot reduce: refuse at once and let the numbers decide."""
    if all(isinstance(v, int) for v in (size, kernel, pad, stride)):
        return sum(1 for j in range(MAX_STARTS) if j * stride + kernel <= size + 2 * pad)
    if backend(size, kernel, pad, stride) == "symbolic":
        raise SymbolicUnsupported("counting window positions needs numeric sizes")
    return sum(step(2 * (size + 2 * pad - kernel - j * stride) + 1) for j in range(MAX_STARTS))


def floor_size(size, kernel, pad, stride):
    return (size - kernel + 2 * pad) // stride + 1


def count_entries(a):
    """Number of entries of an array, by adding up a 1 for each."""
    return total(0 * a + 1)


def layer_weights(k, c, kernels):
    """Weights of F filters of size K x K over C channels, K and C being the layer's givens
    (the statement's K, C) and F the number of filters in ``kernels``: an F x C x K x K array
    is built with those sizes and its entries counted. Numbers only: symbolic K and C cannot
    size an array, so this side is left to the numeric check."""
    if backend(k, c) == "symbolic":
        raise SymbolicUnsupported("building the weight array needs numeric K and C")
    return count_entries(np.zeros((kernels.shape[0], int(c), int(k), int(k))))


def conv_parameters(k, c, f):
    """Build a k x k x c x f weight array entry by entry and f biases, and count them."""
    weights = [[[[0 for _ in range(f)] for _ in range(c)] for _ in range(k)] for _ in range(k)]
    flat = [w for plane in weights for row in plane for col in row for w in col]
    return len(flat) + len([0] * f)


def example_table():
    """Activation sizes and parameter counts of the table's network, layer by layer."""
    h, w, c = 28, 28, 1
    shapes, params = [(h, w, c)], [0]
    for layer in ("conv", "pool", "conv", "pool"):
        if layer == "conv":
            params.append(conv_parameters(3, c, 10))
            h, w, c = slide(h, 3, 1, 1), slide(w, 3, 1, 1), 10
        else:
            params.append(0)
            h, w = slide(h, 2, 0, 2), slide(w, 2, 0, 2)
        shapes.append((h, w, c))
    flat = h * w * c
    fc = len([0] * (flat * 3)) + 3
    sizes = [v for s in shapes for v in s] + [flat, 3]
    return sizes, params + [0, fc]


PROBLEM = Problem(
    id="cnn-feature-dimensions",
    title="Feature dimensions and parameter counts of a CNN",
    source=Source("001_971515a154971c79.txt", "P3"),
    statement=(
        r"Input features are $W\times H\times C$. (1) A convolution with $F$ filters of size "
        r"$K\times K$, padding $P$, stride $S$: its weights, biases and output shape. (2) A "
        r"$K\times K$ max-pool with stride $S$: its output shape. (3) The layer table of "
        r"CONV3-10, POOL2, CONV3-10, POOL2, FLATTEN, FC-3 on a $28\times28\times1$ input "
        r"(CONV3: $3\times3$, padding 1, stride 1; POOL2: $2\times2$, stride 2)."
    ),
    givens=(
        Given("kernels", ("F", "C", "K", "K"), latex=r"\mathcal W",
              description="the layer's filters"),
        Given("biases", ("F", 1), latex="b"),
        Given("k", (), integers(1, 5), "K", "kernel (window) size"),
        Given("pad", (), integers(0, 2), "P", "padding"),
        Given("s", (), integers(1, 3), "S", "stride"),
        Given("w", (), integers(lambda k: k, 20), "W", "width"),
        Given("h", (), integers(lambda k: k, 20), "H", "height"),
        Given("c", (), integers(1, 8), "C", "input channels"),
    ),
    shapes=({"F": 2, "C": 1, "K": 3}, {"F": 3, "C": 2, "K": 2}, {"F": 1, "C": 3, "K": 1}),
    parts=(
        Equation(
            name="conv-weights",
            derivation=(
                r"\text{one filter} &= K\times K\times C = K^2C \text{ weights}",
                r"F \text{ filters} &\Rightarrow K^2C\cdot F = K^2CF",
            ),
            asks=r"Number of weights of the convolution layer",
            lhs=layer_weights,
            rhs=lambda k, c, kernels: k ** 2 * c * kernels.shape[0],
            answer_latex=r"K^2CF",
            notes="K and C are the layer's givens (as in the output-shape parts), F the number "
                  "of filters; the kernels array only supplies F, since its own C x K x K "
                  "dimensions are sampled apart from the givens.",
            claim=Claim(r"Number of weights = K^2CF",
                        lambda k, c, kernels: k ** 2 * c * kernels.shape[0], section="P3.1"),
            wrong=(Wrong("K C F (one spatial axis)",
                         lambda k, c, kernels: k * c * kernels.shape[0]),
                   Wrong("K^2 F (forgot the input channels)",
                         lambda k, kernels: k ** 2 * kernels.shape[0])),
        ),
        Equation(
            name="conv-biases",
            derivation=(
                r"b\in\mathbb{R}^F:\ \text{one bias per filter} &\Rightarrow F",
            ),
            asks=r"Number of biases of the convolution layer",
            lhs=lambda biases: count_entries(biases),
            rhs=lambda kernels: kernels.shape[0],
            answer_latex=r"F",
            claim=Claim(r"Number of biases = F", lambda kernels: kernels.shape[0],
                        section="P3.1"),
            wrong=(Wrong("one per weight", lambda kernels: count_entries(kernels)),),
        ),
        Equation(
            name="conv-output-shape",
            derivation=(
                r"\text{starts } 0,S,\dots,jS \text{ with } jS+K &\le W+2P\ \Rightarrow\ W' = "
                r"\left\lfloor\tfrac{W-K+2P}{S}\right\rfloor+1",
                r"H' &= \left\lfloor\tfrac{H-K+2P}{S}\right\rfloor+1,\qquad C' = F\ \text{(one "
                r"map per filter)}",
            ),
            asks=r"Output shape $W'\times H'\times C'$ of the convolution",
            about=("w", "h", "k", "pad", "s"),
            lhs=lambda w, h, k, pad, s, kernels: vstack(
                slide(w, k, pad, s), slide(h, k, pad, s), kernels.shape[0]),
            rhs=lambda w, h, k, pad, s, kernels: vstack(
                floor_size(w, k, pad, s), floor_size(h, k, pad, s), kernels.shape[0]),
            answer_latex=r"W'=\left\lfloor\frac{W-K+2P}{S}\right\rfloor+1,\ "
                         r"H'=\left\lfloor\frac{H-K+2P}{S}\right\rfloor+1,\ C'=F",
            claim=Claim(r"W' = \lfloor (W - K + 2P) / S \rfloor + 1, H' = \lfloor (H - K + 2P) "
                        r"/ S \rfloor + 1, C' = F",
                        lambda w, h, k, pad, s, kernels: vstack(
                            floor_size(w, k, pad, s), floor_size(h, k, pad, s),
                            kernels.shape[0]), section="P3.1"),
            wrong=(Wrong("C' = C", lambda w, h, k, pad, s, kernels: vstack(
                       floor_size(w, k, pad, s), floor_size(h, k, pad, s), kernels.shape[1])),
                   Wrong("padding once", lambda w, h, k, pad, s, kernels: vstack(
                       floor_size(w, k, pad / 2, s), floor_size(h, k, pad / 2, s),
                       kernels.shape[0]))),
        ),
        Equation(
            name="pool-output-shape",
            derivation=(
                r"P=0:\quad W' &= \left\lfloor\tfrac{W-K}{S}\right\rfloor+1,\quad H' = "
                r"\left\lfloor\tfrac{H-K}{S}\right\rfloor+1",
                r"C' &= C\ \text{(each channel is pooled separately)}",
            ),
            asks=r"Output shape of a $K\times K$ max-pool with stride $S$ (no padding)",
            lhs=lambda w, h, c, k, s: vstack(slide(w, k, 0, s), slide(h, k, 0, s), c),
            rhs=lambda w, h, c, k, s: vstack(floor_size(w, k, 0, s), floor_size(h, k, 0, s),
                                             c),
            answer_latex=r"W'=\left\lfloor\frac{W-K}{S}\right\rfloor+1,\ "
                         r"H'=\left\lfloor\frac{H-K}{S}\right\rfloor+1,\ C'=C",
            claim=Claim(r"W' = \lfloor (W - K) / S \rfloor + 1, H' = \lfloor (H - K) / S "
                        r"\rfloor + 1, C' = C",
                        lambda w, h, c, k, s: vstack(floor_size(w, k, 0, s),
                                                     floor_size(h, k, 0, s), c),
                        section="P3.2"),
            wrong=(Wrong("W / S", lambda w, h, c, k, s: vstack(w // s, h // s, c)),),
        ),
        Equation(
            name="example-activations",
            derivation=(
                r"\text{CONV3 } (P=1):\ 28-3+2+1 &= 28\ \Rightarrow\ 28\times28\times10",
                r"\text{POOL2: } \lfloor(28-2)/2\rfloor+1 &= 14;\ \text{CONV3: } 14-3+2+1 = 14;\ "
                r"\text{POOL2: } \lfloor12/2\rfloor+1 = 7",
                r"\text{FLATTEN: } 7\cdot7\cdot10 &= 490,\qquad \text{FC-3: } 3",
            ),
            asks=r"Activation sizes of Input, CONV3-10, POOL2, CONV3-10, POOL2, FLATTEN, FC-3",
            lhs=lambda: vstack(*example_table()[0]),
            rhs=lambda: vstack(28, 28, 1, 28, 28, 10, 14, 14, 10, 14, 14, 10, 7, 7, 10,
                               490, 3),
            answer_latex=r"28^2\!\times\!1,\ 28^2\!\times\!10,\ 14^2\!\times\!10,\ "
                         r"14^2\!\times\!10,\ 7^2\!\times\!10,\ 490,\ 3",
            claim=Claim(r"28 \times 28 \times 1, 28 \times 28 \times 10, 14 \times 14 \times 10, "
                        r"14 \times 14 \times 10, 7 \times 7 \times 10, 490, 3",
                        lambda: vstack(28, 28, 1, 28, 28, 10, 14, 14, 10, 14, 14, 10, 7, 7, 10,
                                       490, 3), section="P3.3"),
            wrong=(Wrong("no padding in CONV3", lambda: vstack(
                28, 28, 1, 26, 26, 10, 13, 13, 10, 11, 11, 10, 5, 5, 10, 250, 3)),),
        ),
        Equation(
            name="example-parameters",
            derivation=(
                r"\text{CONV3-10 on 1 channel: } 3\cdot3\cdot1\cdot10+10 &= 100",
                r"\text{CONV3-10 on 10 channels: } 3\cdot3\cdot10\cdot10+10 &= 910",
                r"\text{FC-3: } 490\cdot3+3 &= 1473;\quad \text{input, pools, flatten: } 0",
            ),
            asks=r"Parameters of Input, CONV3-10, POOL2, CONV3-10, POOL2, FLATTEN, FC-3",
            lhs=lambda: vstack(*example_table()[1]),
            rhs=lambda: vstack(0, 3 * 3 * 1 * 10 + 10, 0, 3 * 3 * 10 * 10 + 10, 0, 0,
                               490 * 3 + 3),
            answer_latex=r"0,\ 3\cdot3\cdot1\cdot10+10=100,\ 0,\ 3\cdot3\cdot10\cdot10+10=910,"
                         r"\ 0,\ 0,\ 490\cdot3+3=1473",
            claim=Claim(r"0, 3 \times 3 \times 1 \times 10 + 10, 0, 3 \times 3 \times 10 \times "
                        r"10 + 10, 0, 0, 490 \times 3 + 3",
                        lambda: vstack(0, 100, 0, 910, 0, 0, 1473), section="P3.3"),
            wrong=(Wrong("biases forgotten", lambda: vstack(0, 90, 0, 900, 0, 0, 1470)),),
        ),
    ),
    prose=(
        Claim("it has been demonstrated that ReLU responds better using He initialization",
              section="P6", reason="premise of Problem 6 (from the question, which the seed "
              "leaves unanswered: it gives no answer to P6.1 or P6.2)"),
    ),
)
