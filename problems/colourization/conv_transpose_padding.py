"""Seed 004 §5.4: padding and output padding that keep ConvTransposeNet's tensor shapes for
kernel sizes 4 and 5."""

import numpy as np

from derivekit.model import Claim, Equation, Problem, Source, Wrong

STRIDE = 2


def conv_out(size, kernel, padding):
    """PyTorch Conv2d output size (dilation 1)."""
    return (size + 2 * padding - kernel) // STRIDE + 1


def conv_transpose_out(size, kernel, padding, output_padding):
    """PyTorch ConvTranspose2d output size (dilation 1)."""
    return (size - 1) * STRIDE - 2 * padding + kernel + output_padding


def shape_keeping_settings(kernel):
    """Every (padding, output_padding) with output_padding < stride that maps 32 -> 16 -> 8 by
    the two strided convs and 8 -> 16 -> 32 by the two transposed convs, found by search."""
    found = []
    for padding in range(kernel):
        for output_padding in range(STRIDE):
            down = conv_out(32, kernel, padding) == 16 and conv_out(16, kernel, padding) == 8
            up = (conv_transpose_out(8, kernel, padding, output_padding) == 16
                  and conv_transpose_out(16, kernel, padding, output_padding) == 32)
            if down and up:
                found.append([padding, output_padding])
    return np.array(found, dtype=int).T


PROBLEM = Problem(
    id="conv-transpose-padding",
    title="ConvTransposeNet padding for kernel sizes 4 and 5",
    source=Source("004_19698b34fe55bc49.txt", "5.4"),
    statement=(
        r"ConvTransposeNet's two Conv2d layers (stride 2) take $32\to16\to8$ and its two "
        r"ConvTranspose2d layers (stride 2) take $8\to16\to32$. Which padding (for both) and "
        r"output padding (for the transposed ones) keep these shapes with kernel size 4 or 5?"
    ),
    givens=(),
    parts=(
        Equation(
            name="kernel-4",
            derivation=(
                r"\text{Conv2d: }\lfloor(32+2p-4)/2\rfloor+1 = 16 &\iff 14+p = 15 \iff p=1",
                r"\lfloor(16+2\cdot1-4)/2\rfloor+1 &= 8",
                r"\text{ConvTranspose2d: }(8-1)\cdot2-2\cdot1+4+\mathit{op} = 16 "
                r"&\iff \mathit{op}=0",
                r"(16-1)\cdot2-2\cdot1+4+0 &= 32",
            ),
            asks=r"(padding, output\_padding) for kernel size 4, as a column",
            lhs=lambda: shape_keeping_settings(4),
            rhs=lambda: np.array([[1], [0]]),
            answer_latex=r"\text{padding}=1,\ \text{output\_padding}=0\ \text{(the only choice)}",
            claim=Claim("If we were to use a kernel size of 4, ... padding=1, output_padding= 0.",
                        lambda: np.array([[1], [0]]), section="5.4"),
            wrong=(Wrong("kernel // 2 = 2 with output padding 1", lambda: np.array([[2], [1]])),
                   Wrong("output padding left at 1", lambda: np.array([[1], [1]]))),
        ),
        Equation(
            name="kernel-5",
            derivation=(
                r"\text{Conv2d: }\lfloor(32+2p-5)/2\rfloor+1 = 16 &\iff 13+p = 15 \iff p=2",
                r"\lfloor(16+2\cdot2-5)/2\rfloor+1 &= 8",
                r"\text{ConvTranspose2d: }(8-1)\cdot2-2\cdot2+5+\mathit{op} = 16 "
                r"&\iff \mathit{op}=1",
                r"(16-1)\cdot2-2\cdot2+5+1 &= 32",
            ),
            asks=r"(padding, output\_padding) for kernel size 5, as a column",
            lhs=lambda: shape_keeping_settings(5),
            rhs=lambda: np.array([[2], [1]]),
            answer_latex=r"\text{padding}=2,\ \text{output\_padding}=1\ \text{(the only choice)}",
            claim=Claim("If we were to use a kernel size of 5, padding=2 and output_padding=1.",
                        lambda: np.array([[2], [1]]), section="5.4"),
            wrong=(Wrong("padding 1 as for kernel 3", lambda: np.array([[1], [1]])),
                   Wrong("output padding 0", lambda: np.array([[2], [0]]))),
        ),
    ),
)
