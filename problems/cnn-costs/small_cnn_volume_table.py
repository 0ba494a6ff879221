"""Seed 003 Problem 3(a): activation volumes and parameter counts of a small CNN, layer by layer."""

from derivekit.model import Claim, Equation, Problem, Source, Wrong
from derivekit.ops import vstack

CONV_F, CONV_PAD, CONV_STRIDE = 5, 2, 1
POOL_F, POOL_STRIDE = 2, 2


def window_starts(size, window, pad, stride):
    """Slide a window along one axis of length ``size`` padded by ``pad`` on both sides and
    count the positions where it fits entirely."""
    count, start = 0, -pad
    while start + window <= size + pad:
        count += 1
        start += stride
    return count


def slide(volume, window, pad, stride, depth):
    """(height, width, depth) after sliding a window over a (height, width, depth) volume."""
    height, width, _ = volume
    return (window_starts(height, window, pad, stride), window_starts(width, window, pad, stride),
            depth)


def conv5(volume, filters):
    return slide(volume, CONV_F, CONV_PAD, CONV_STRIDE, filters)


def pool2(volume):
    return slide(volume, POOL_F, 0, POOL_STRIDE, volume[2])


INPUT = (32, 32, 1)
CONV1 = conv5(INPUT, 10)
POOL1 = pool2(CONV1)
CONV2 = conv5(POOL1, 10)
POOL2 = pool2(CONV2)


def entries(nested):
    """Number of scalars in a nested list (a weight tensor built explicitly)."""
    return sum(entries(x) for x in nested) if isinstance(nested, list) else 1


def conv_weights(depth_in, filters):
    """Every filter as an explicit F x F x depth_in array, plus one bias per filter."""
    kernels = [[[[0] * depth_in for _ in range(CONV_F)] for _ in range(CONV_F)]
               for _ in range(filters)]
    return entries(kernels) + entries([0] * filters)


def fc_weights(volume, neurons):
    """A weight per (flattened input, neuron) pair plus a bias per neuron."""
    flattened = entries([[[0] * volume[2] for _ in range(volume[1])] for _ in range(volume[0])])
    return entries([[0] * flattened for _ in range(neurons)]) + entries([0] * neurons)


def volume(v):
    return vstack(*v)


PROBLEM = Problem(
    id="small-cnn-volume-table",
    title="A small CNN: activation volumes and parameter counts",
    source=Source("003_e61c9815763fc135.txt", "Problem 3(a)"),
    statement=(
        r"INPUT $32\times32\times1$ $\to$ CONV5-10 $\to$ POOL2 $\to$ CONV5-10 $\to$ POOL2 "
        r"$\to$ FC-10, where CONV5-$N$ has $N$ filters of size $5\times5\times D_{in}$ with "
        r"stride 1 and padding 2, POOL2 is $2\times2$ max-pooling with stride 2 and no padding, "
        r"and FC-$N$ has $N$ neurons. Give each layer's activation volume (height, width, depth) "
        r"and number of parameters (biases included)."
    ),
    givens=(),
    prose=(
        Claim(r"O=\lfloor\frac{W_{in}-F+2P}{S}\rfloor+1; CONV: (F\times F\times D_{in}+1)"
              r"\times D_{out}; POOL: 0; FC: (N_{in}+1)\times N_{out}", section="P3(a)",
              reason="general formulas with symbolic sizes and a floor (no floor in "
                     "derivekit.ops, and counting windows needs loops over given sizes); they "
                     "are checked at every layer of this table by the parts above, where "
                     "window positions and weights are counted explicitly"),
    ),
    parts=(
        Equation(
            name="conv1-volume",
            derivation=(
                r"O &= \frac{32-5+2\cdot2}{1}+1 = 32",
                r"\text{depth} &= \text{number of filters} = 10\ \Rightarrow\ 32\times32\times10",
            ),
            asks=r"Activation volume after the first CONV5-10",
            lhs=lambda: volume(CONV1),
            rhs=lambda: vstack(32, 32, 10),
            answer_latex=r"32\times32\times10",
            notes="lhs slides the 5x5 window over the padded 32x32 input and counts positions.",
            claim=Claim(r"32\times32\times10", lambda: vstack(32, 32, 10), section="P3(a)"),
            wrong=(Wrong("no padding: 28 x 28 x 10", lambda: vstack(28, 28, 10)),
                   Wrong("depth of the input kept", lambda: vstack(32, 32, 1))),
        ),
        Equation(
            name="conv1-params",
            derivation=(
                r"\text{per filter} &= 5\cdot5\cdot1 + 1 = 26",
                r"\text{10 filters} &= 26\cdot10 = 260",
            ),
            asks=r"Parameters of the first CONV5-10",
            lhs=lambda: conv_weights(INPUT[2], 10),
            rhs=lambda: (5 * 5 * 1 + 1) * 10,
            answer_latex=r"(5\cdot5\cdot1+1)\cdot10=260",
            claim=Claim(r"(5\times5\times1+1)\times10=260", lambda: 260, section="P3(a)"),
            wrong=(Wrong("biases forgotten: 250", lambda: 250),),
        ),
        Equation(
            name="pool1-volume",
            derivation=(
                r"O &= \frac{32-2}{2}+1 = 16,\quad\text{depth unchanged } (10)",
            ),
            asks=r"Activation volume after the first POOL2",
            lhs=lambda: volume(POOL1),
            rhs=lambda: vstack(16, 16, 10),
            answer_latex=r"16\times16\times10",
            claim=Claim(r"16\times16\times10", lambda: vstack(16, 16, 10), section="P3(a)"),
            wrong=(Wrong("stride 1 pooling: 31 x 31 x 10", lambda: vstack(31, 31, 10)),),
        ),
        Equation(
            name="conv2-volume",
            derivation=(
                r"O &= \frac{16-5+2\cdot2}{1}+1 = 16,\quad\text{depth} = 10\text{ filters}",
            ),
            asks=r"Activation volume after the second CONV5-10",
            lhs=lambda: volume(CONV2),
            rhs=lambda: vstack(16, 16, 10),
            answer_latex=r"16\times16\times10",
            claim=Claim(r"16\times16\times10", lambda: vstack(16, 16, 10), section="P3(a)"),
            wrong=(Wrong("no padding: 12 x 12 x 10", lambda: vstack(12, 12, 10)),),
        ),
        Equation(
            name="conv2-params",
            derivation=(
                r"\text{per filter} &= 5\cdot5\cdot10 + 1 = 251\quad(D_{in}=10)",
                r"\text{10 filters} &= 251\cdot10 = 2510",
            ),
            asks=r"Parameters of the second CONV5-10 (input depth 10)",
            lhs=lambda: conv_weights(POOL1[2], 10),
            rhs=lambda: (5 * 5 * 10 + 1) * 10,
            answer_latex=r"(5\cdot5\cdot10+1)\cdot10=2510",
            claim=Claim(r"(5\times5\times10+1)\times10=2{,}510", lambda: 2510, section="P3(a)"),
            wrong=(Wrong("input depth taken as 1: 260", lambda: 260),
                   Wrong("biases forgotten: 2500", lambda: 2500)),
        ),
        Equation(
            name="pool2-volume",
            derivation=(
                r"O &= \frac{16-2}{2}+1 = 8,\quad\text{depth unchanged } (10)",
            ),
            asks=r"Activation volume after the second POOL2",
            lhs=lambda: volume(POOL2),
            rhs=lambda: vstack(8, 8, 10),
            answer_latex=r"8\times8\times10",
            claim=Claim(r"8\times8\times10", lambda: vstack(8, 8, 10), section="P3(a)"),
            wrong=(Wrong("pooled once too many: 4 x 4 x 10", lambda: vstack(4, 4, 10)),),
        ),
        Equation(
            name="fc-params",
            derivation=(
                r"N_{in} &= 8\cdot8\cdot10 = 640",
                r"(N_{in}+1)\,N_{out} &= 641\cdot10 = 6410",
            ),
            asks=r"Parameters of FC-10 on the flattened $8\times8\times10$ volume",
            lhs=lambda: fc_weights(POOL2, 10),
            rhs=lambda: (8 * 8 * 10 + 1) * 10,
            answer_latex=r"(8\cdot8\cdot10+1)\cdot10=6410",
            claim=Claim(r"(8\times8\times10+1)\times10=6{,}410", lambda: 6410, section="P3(a)"),
            wrong=(Wrong("biases forgotten: 6400", lambda: 6400),
                   Wrong("flattened before the last pool: 25610", lambda: 25610)),
        ),
        Equation(
            name="params-per-layer",
            derivation=(
                r"\text{INPUT},\ \text{POOL} &= 0\quad\text{(no weights: a max has nothing to "
                r"learn)}",
                r"\text{CONV} &= (5\cdot5\cdot1+1)\cdot10 = 260,\quad (5\cdot5\cdot10+1)\cdot10 = "
                r"2510",
                r"\text{FC} &= (8\cdot8\cdot10+1)\cdot10 = 6410",
            ),
            asks=r"The parameter column: INPUT, CONV, POOL, CONV, POOL, FC",
            lhs=lambda: vstack(0, conv_weights(INPUT[2], 10), 0, conv_weights(POOL1[2], 10), 0,
                               fc_weights(POOL2, 10)),
            rhs=lambda: vstack(0, 260, 0, 2510, 0, 6410),
            answer_latex=r"(0,\,260,\,0,\,2510,\,0,\,6410)",
            notes="INPUT and POOL layers hold no weights (the zeros are structural: a pooling "
                  "window takes a max, it has nothing to learn).",
            claim=Claim(r"0, 260, 0, 2{,}510, 0, 6{,}410 (POOL: 0 parameters)",
                        lambda: vstack(0, 260, 0, 2510, 0, 6410), section="P3(a)"),
            wrong=(Wrong("pooling counted as 2x2 weights per channel",
                         lambda: vstack(0, 260, 40, 2510, 40, 6410)),),
        ),
    ),
)
