"""Seed 003 Programming I: the spatial sizes and flattened length of the CIFAR-10 CNN described."""

from derivekit.model import Claim, Equation, Problem, Source, Wrong
from derivekit.ops import vstack

CHANNELS = (64, 128, 256, 512)


def window_starts(size, window, pad, stride):
    """Slide a window along an axis of length ``size`` padded by ``pad`` on both sides and
    count the positions where it fits entirely."""
    count, start = 0, -pad
    while start + window <= size + pad:
        count += 1
        start += stride
    return count


def block_sizes():
    """Side length after each block: a 3x3 convolution (stride 1, padding 1), then a 2x2
    max-pool with stride 2, starting from a 32 x 32 image."""
    side, sizes = 32, []
    for _ in CHANNELS:
        side = window_starts(side, 3, 1, 1)
        side = window_starts(side, 2, 0, 2)
        sizes.append(side)
    return sizes


def flattened_length():
    """Entries of the last block's output, built as an explicit side x side x 512 array."""
    side = block_sizes()[-1]
    volume = [[[0] * CHANNELS[-1] for _ in range(side)] for _ in range(side)]
    return sum(len(column) for row in volume for column in row)


PROBLEM = Problem(
    id="cifar-cnn-architecture",
    title="A four-block CIFAR-10 CNN: spatial sizes and the flattened feature length",
    source=Source("003_e61c9815763fc135.txt", "Programming I"),
    statement=(
        r"A $32\times32$ CIFAR-10 image passes four blocks, each a size-preserving convolution "
        r"($3\times3$, padding 1) with $64,128,256,512$ channels followed by $2\times2$ "
        r"max-pooling with stride 2. Give the spatial size after each block and the length of "
        r"the flattened features that enter the fully connected layers."
    ),
    givens=(),
    prose=(
        Claim(r"Three FC layers (1024 \rightarrow 512 \rightarrow 10) with dropout regularization",
              section="Programming I",
              reason="the arrows list three numbers for three layers: as their output widths "
                     "(2048 -> 1024 -> 512 -> 10) this is consistent with the 2048-long "
                     "flattened input of part flattened-features; the seed never states the "
                     "input width, so there is no value to check"),
        Claim("Batch normalization reduces internal covariate shift, allows higher learning "
              "rates and acts as a regularizer; Kaiming initialization prevents vanishing/"
              "exploding gradients; Adam gives better convergence than SGD",
              section="Programming I",
              reason="design rationale about training dynamics, not a computable statement"),
        Claim("10 epochs: validation accuracy 81.4%, test accuracy 81.46%",
              section="Programming I",
              reason="a measured training result; reproducing it needs the training run "
                     "(data, seed, hardware), outside what derivekit checks"),
    ),
    parts=(
        Equation(
            name="spatial-sizes",
            derivation=(
                r"O_{\text{conv}} &= \frac{W-3+2\cdot1}{1}+1 = W\quad(3\times3,\ \text{padding }1)",
                r"O_{\text{pool}} &= \frac{W-2}{2}+1 = W/2\quad(2\times2,\ \text{stride }2)",
                r"32 &\to 16\to 8\to 4\to 2",
            ),
            asks=r"Spatial side after each of the four conv + pool blocks",
            lhs=lambda: vstack(*block_sizes()),
            rhs=lambda: vstack(16, 8, 4, 2),
            answer_latex=r"32\to16\to8\to4\to2",
            notes="lhs slides the 3x3 (padding 1) and 2x2 (stride 2) windows and counts "
                  "positions; the seed does not state the kernel size, only that the sizes "
                  "halve, which needs size-preserving convolutions.",
            claim=Claim(r"Max Pooling: Applied after each conv block to reduce spatial dimensions "
                        r"(32 \rightarrow 16 \rightarrow 8 \rightarrow 4 \rightarrow 2)",
                        lambda: vstack(16, 8, 4, 2), section="Programming I"),
            wrong=(Wrong("unpadded 3x3 convolutions: 15, 6, 2, 0", lambda: vstack(15, 6, 2, 0)),
                   Wrong("pooling with stride 1: 31, 30, 29, 28", lambda: vstack(31, 30, 29, 28))),
        ),
        Equation(
            name="flattened-features",
            derivation=(
                r"\text{after block 4:}\quad &2\times2\times512",
                r"\text{length} &= 2\cdot2\cdot512 = 2048",
            ),
            asks=r"Length of the flattened $2\times2\times512$ features",
            lhs=flattened_length,
            rhs=lambda: 2 * 2 * 512,
            answer_latex=r"2\cdot2\cdot512=2048",
            wrong=(Wrong("1024 (the first FC width taken as its input)", lambda: 1024),
                   Wrong("channels only: 512", lambda: 512)),
        ),
    ),
)
