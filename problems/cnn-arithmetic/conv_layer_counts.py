"""Seed 002 §9: kernel size, trainable parameters and multiplications of one conv layer."""

from functools import lru_cache

import numpy as np

from derivekit.model import Claim, Equation, Given, Problem, Source, Wrong, integers
from derivekit.ops import SymbolicUnsupported

SEED_INPUT, SEED_OUTPUT, SEED_STRIDE = 205, 66, 3
SEED_IN_CHANNELS, SEED_OUT_CHANNELS = 10, 96


def size(v):
    """A given as a Python int: counting loops need concrete sizes. On symbols it raises
    SymbolicUnsupported, and the numeric witness (exact integers in float64) decides."""
    try:
        return int(v)
    except TypeError as exc:
        raise SymbolicUnsupported("counting with symbolic sizes") from exc


def window_starts(n, k, s, p):
    """Slide a width-k window with stride s along n inputs padded by p on both sides: the
    start of every window that still ends inside the padded input."""
    width = size(n) + 2 * size(p)
    return [q for q in range(0, width, size(s)) if q + size(k) <= width]


def windows(n, k, s, p):
    return len(window_starts(n, k, s, p))


def exact_kernels(n, o, s, p):
    """Kernel widths whose windows number o and tile the padded input with no leftover."""
    width = size(n) + 2 * size(p)
    return [kk for kk in range(1, width + 1) if len(window_starts(n, kk, s, p)) == size(o)
            and window_starts(n, kk, s, p)[-1] + kk == width]


def floor_kernels(n, o, s, p):
    """Kernel widths giving o windows when leftover inputs are simply dropped (floor)."""
    width = size(n) + 2 * size(p)
    return [kk for kk in range(1, width + 1) if len(window_starts(n, kk, s, p)) == size(o)]


def parameters_by_building(k, c_in, c_out):
    """Build the layer's weight and bias arrays and count their entries."""
    weights = np.zeros((size(c_out), size(c_in), size(k), size(k)))
    bias = np.zeros(size(c_out))
    return weights.size + bias.size


def multiplications_by_sliding(n, k, s, p, c_in, c_out):
    """Slide the kernel over a padded input: one product per window entry and filter."""
    kk, width = size(k), size(n) + 2 * size(p)
    image = np.zeros((width, width, size(c_in)))
    count = 0
    for i in window_starts(n, k, s, p):
        for j in window_starts(n, k, s, p):
            count += image[i:i + kk, j:j + kk, :].size * size(c_out)
    return count


@lru_cache(maxsize=None)
def seed_kernel():
    """The seed layer's kernel width, found by the search above."""
    (kernel,) = exact_kernels(SEED_INPUT, SEED_OUTPUT, SEED_STRIDE, 0)
    return kernel


def seed_floor_kernel_count():
    return len(floor_kernels(SEED_INPUT, SEED_OUTPUT, SEED_STRIDE, 0))


def seed_parameters():
    return parameters_by_building(seed_kernel(), SEED_IN_CHANNELS, SEED_OUT_CHANNELS)


@lru_cache(maxsize=None)
def seed_multiplications():
    """Cached: the loops visit 66^2 windows."""
    return multiplications_by_sliding(SEED_INPUT, seed_kernel(), SEED_STRIDE, 0,
                                      SEED_IN_CHANNELS, SEED_OUT_CHANNELS)


def seed_formula_output(n, k, s, p):
    return (n - k + 2 * p) / s + 1


PROBLEM = Problem(
    id="conv-layer-counts",
    title="Convolution layer: kernel size, parameters and multiplications",
    source=Source("002_a2d52afd229cfba6.txt", "9"),
    statement=(
        r"A convolution layer maps a $205\times205\times10$ input to a $66\times66\times96$ "
        r"output with stride 3 (no padding). Find the kernel size, the number of trainable "
        r"parameters (weights and biases) and the number of multiplications needed for the "
        r"output. In general: $n\times n\times C_{in}$ input, $k\times k$ kernel, stride $s$, "
        r"padding $p$, $C_{out}$ filters, where the windows tile the padded input exactly "
        r"(the seed's convention $O=\frac{I-K+2P}{S}+1$ with exact division)."
    ),
    givens=(
        Given("o", (), integers(2, 5), "O", "output width"),
        Given("k", (), integers(2, 4), "K", "kernel width"),
        Given("s", (), integers(1, 3), "S", "stride"),
        Given("p", (), integers(0, 1), "P", "padding"),
        Given("n", (), integers(lambda o, k, s, p: (o - 1) * s + k - 2 * p,
                                lambda o, k, s, p: (o - 1) * s + k - 2 * p), "I",
              "input width, the one that the o windows tile exactly"),
        Given("c_in", (), integers(1, 3), r"C_{in}"),
        Given("c_out", (), integers(1, 3), r"C_{out}"),
    ),
    parts=(
        Equation(
            name="output-size",
            derivation=(
                r"\text{window starts } 0,\,S,\,\dots,\,(O-1)S: \quad (O-1)S+K &= I+2P "
                r"\quad\text{(exact tiling)}",
                r"O-1 &= \frac{I-K+2P}{S} \;\Rightarrow\; O = \frac{I-K+2P}{S}+1",
            ),
            asks=r"Output width: count the window positions by sliding the kernel",
            lhs=windows,
            rhs=seed_formula_output,
            answer_latex=r"O=\frac{I-K+2P}{S}+1",
            claim=Claim(r"O = \frac{I - K + 2P}{S} + 1", seed_formula_output, section="9.1"),
            wrong=(Wrong("no +1", lambda n, k, s, p: (n - k + 2 * p) / s),
                   Wrong("padding counted once", lambda n, k, s, p: (n - k + p) / s + 1)),
        ),
        Equation(
            name="kernel-size",
            derivation=(
                r"(O-1)S+K &= I+2P \;\Rightarrow\; K = I+2P-S(O-1)",
            ),
            asks=r"Kernel width from input width $I$, output width $O$, stride and padding",
            lhs=lambda n, o, s, p: exact_kernels(n, o, s, p)[0],
            rhs=lambda n, o, s, p: n + 2 * p - (o - 1) * s,
            answer_latex=r"K=I+2P-S(O-1)",
            claim=Claim(r"66 = \frac{205 - K}{3} + 1 \Rightarrow K = 205 - 3\cdot 65",
                        lambda n, o, s, p: n + 2 * p - (o - 1) * s, section="9.1"),
            wrong=(Wrong("S*O instead of S*(O-1)", lambda n, o, s, p: n + 2 * p - o * s),),
        ),
        Equation(
            name="parameters",
            derivation=(
                r"\text{one filter} &= K\cdot K\cdot C_{in}\ \text{weights} + 1\ \text{bias} = "
                r"K^2C_{in}+1",
                r"\text{all filters} &= (K^2C_{in}+1)\,C_{out}",
            ),
            asks=r"Trainable parameters: count each filter's weights and its bias",
            lhs=parameters_by_building,
            rhs=lambda k, c_in, c_out: (k * k * c_in + 1) * c_out,
            answer_latex=r"(K^2C_{in}+1)\,C_{out}",
            claim=Claim(r"(K \times K \times \text{Input channels} + 1) \times "
                        r"\text{Output channels}", lambda k, c_in, c_out: (k * k * c_in + 1) * c_out,
                        section="9.2"),
            wrong=(Wrong("no biases", lambda k, c_in, c_out: k * k * c_in * c_out),
                   Wrong("one bias per layer", lambda k, c_in, c_out: k * k * c_in * c_out + 1)),
        ),
        Equation(
            name="multiplications",
            derivation=(
                r"\text{per output value} &= K\cdot K\cdot C_{in}\ \text{products}",
                r"\text{output values} &= O\cdot O\cdot C_{out} \;\Rightarrow\; \text{total} = "
                r"O^2K^2C_{in}C_{out}",
            ),
            asks=r"Multiplications: every output position, every filter, every tap (padded zeros "
                 r"included)",
            lhs=multiplications_by_sliding,
            rhs=lambda o, k, c_in, c_out: o * o * k * k * c_in * c_out,
            answer_latex=r"O^2K^2C_{in}C_{out}",
            claim=Claim(r"\text{Output dimensions} \times K \times K \times \text{Input channels}"
                        r" \times \text{Output channels}",
                        lambda o, k, c_in, c_out: o * o * k * k * c_in * c_out, section="9.3"),
            wrong=(Wrong("one output channel", lambda o, k, c_in: o * o * k * k * c_in),
                   Wrong("input size instead of output size",
                         lambda n, k, c_in, c_out: n * n * k * k * c_in * c_out)),
        ),
        Equation(
            name="seed-kernel-size",
            derivation=(
                r"66 &= \frac{205-K}{3}+1 \;\Rightarrow\; 205-K = 3\cdot65 = 195",
                r"K &= 205-195 = 10",
            ),
            asks=r"The kernel width for $205\to66$, stride 3, no padding, windows tiling exactly",
            lhs=seed_kernel,
            rhs=lambda: 10,
            answer_latex=r"K=10\ (10\times10\text{ kernel})",
            claim=Claim(r"K = 10: the kernel size is 10\times10", lambda: 10, section="9.1"),
            wrong=(Wrong("S*O: 205 - 198", lambda: 7), Wrong("K = 9", lambda: 9)),
        ),
        Equation(
            name="seed-kernels-under-floor",
            derivation=(
                r"\Big\lfloor\frac{205-K}{3}\Big\rfloor+1 &= 66 \iff 3\cdot65 \le 205-K < 3\cdot66",
                r"&\iff 195 \le 205-K \le 197 \iff 8 \le K \le 10 \;\Rightarrow\; 3\ \text{widths}",
            ),
            asks=r"How many kernel widths give 66 outputs if leftover inputs are dropped "
                 r"($O=\lfloor (I-K)/S\rfloor+1$)",
            lhs=seed_floor_kernel_count,
            rhs=lambda: 3,
            answer_latex=r"3\ (K\in\{8,9,10\}):\ K=10\text{ needs the exact-division convention}",
            wrong=(Wrong("unique", lambda: 1),),
        ),
        Equation(
            name="seed-parameters",
            derivation=(
                r"(K^2C_{in}+1)\,C_{out} &= (10\cdot10\cdot10+1)\cdot96 = 1001\cdot96 = 96096",
            ),
            asks=r"Trainable parameters of the seed layer",
            lhs=seed_parameters,
            rhs=lambda: (10 * 10 * 10 + 1) * 96,
            answer_latex=r"(10\cdot10\cdot10+1)\cdot96=96096",
            claim=Claim(r"(10 \times 10 \times 10 + 1) \times 96 = 96096", lambda: 96096,
                        section="9.2"),
            wrong=(Wrong("no biases: 96000", lambda: 96000),
                   Wrong("one input channel: 9696", lambda: 9696)),
        ),
        Equation(
            name="seed-multiplications",
            derivation=(
                r"K^2C_{in} &= 10\cdot10\cdot10 = 1000\ \text{products per output value}",
                r"O^2\cdot1000 &= 66\cdot66\cdot1000 = 4356000\ \text{per filter}",
                r"4356000\cdot C_{out} &= 4356000\cdot96 = 418176000",
            ),
            asks=r"Multiplications for the seed layer's whole output",
            lhs=seed_multiplications,
            rhs=lambda: 66 * 66 * 10 * 10 * 10 * 96,
            answer_latex=r"66^2\cdot10^3\cdot96=418176000",
            claim=Claim(r"66 \times 66 \times 1000 \times 96 = 418176000", lambda: 418176000,
                        section="9.3"),
            wrong=(Wrong("one output channel: 4356000", lambda: 4356000),
                   Wrong("input positions: 205^2 1000 96", lambda: 205 * 205 * 1000 * 96)),
        ),
    ),
)
