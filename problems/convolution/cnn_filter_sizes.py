"""Seed 000 §3.2: output size of a 3x3 convolution on a 32x64x64 input, and a padding/stride
that halves it."""

from derivekit.model import Claim, Equation, Problem, Source, Wrong
from derivekit.ops import vstack


def slide(size, kernel, pad, stride):
    """Output length found by sliding: count the starts 0, s, 2s, ... at which the kernel
    still fits inside the padded input (independent of any size formula)."""
    count, start = 0, 0
    while start + kernel <= size + 2 * pad:
        count, start = count + 1, start + stride
    return count


def smallest_padding(stride, target=32):
    """The least padding whose output, found by sliding, is ``target`` wide (None if none)."""
    return next((p for p in range(40) if slide(64, 3, p, stride) == target), None)


def output_shape(pad, stride, filters=64):
    """(H, W, C) of the layer's output on a 64x64 input: slide along each axis; one output
    channel per filter."""
    return vstack(slide(64, 3, pad, stride), slide(64, 3, pad, stride), filters)


PROBLEM = Problem(
    id="cnn-filter-sizes",
    title="CNN filter sizes: output shape, and the padding and stride that halve it",
    source=Source("000_b77450bb05363a64.txt", "3.2"),
    statement=(
        r"A convolution layer has $C_{in}=32$, $C_{out}=64$, $k=3$; its input is "
        r"$C=32$, $H=64$, $W=64$. (i) The output size with no padding and stride 1. "
        r"(ii) A padding and stride giving an output of $C=64$, $H=32$, $W=32$. "
        r"Output sizes follow PyTorch: $\lfloor (w-k+2p)/s\rfloor+1$."
    ),
    givens=(),
    parts=(
        Equation(
            name="output-no-padding",
            derivation=(
                r"H'=W' &= \left\lfloor\frac{64-3+2\cdot0}{1}\right\rfloor+1 = 61+1 = 62",
                r"C' &= \text{number of filters} = 64\ \Rightarrow\ 62\times62\times64",
            ),
            asks=r"(i) Output $(H, W, C)$ with padding 0 and stride 1",
            lhs=lambda: output_shape(0, 1),
            rhs=lambda: vstack(62, 62, 64),
            answer_latex=r"62\times 62\times 64\quad(H, W, C)",
            claim=Claim(r"64-3+1 \times 64-3+1 \times 64 = 62 \times 62 \times 64, H,W,C",
                        lambda: vstack(62, 62, 64), section="3.2(i)"),
            wrong=(Wrong("forgot the +1", lambda: vstack(61, 61, 64)),
                   Wrong("kept the input channels", lambda: vstack(62, 62, 32))),
        ),
        Equation(
            name="halving-padding-stride",
            derivation=(
                r"s=2,\ p=1:\quad H'=W' &= \left\lfloor\frac{64-3+2\cdot1}{2}\right\rfloor+1 = "
                r"\lfloor 31.5\rfloor+1 = 32",
                r"C' &= 64 \text{ filters}\ \Rightarrow\ 32\times32\times64",
            ),
            asks=r"(ii) A padding $p$ and stride $s$ giving $32\times32\times64$: the output "
                 r"shape they produce",
            lhs=lambda: vstack(32, 32, 64),
            rhs=lambda: output_shape(1, 2),
            answer_latex=r"32\times32\times64\quad(s=2,\ p=1:\ \lfloor(64-3+2)/2\rfloor+1=32;\ "
                         r"\text{so does } s=3,\ p=16\text{: } (64-3+32)/3+1=32)",
            notes="The answer field is the shape produced by the chosen (p, s); any choice "
                  "that produces 32x32x64 is right. The seed sets s = 2 in its equation and "
                  "then answers s = 3, p = 16, which does give 32 (exactly, no flooring).",
            claim=Claim(r"p = 16, s = 3 \text{ (the seed's final answer)}",
                        lambda: output_shape(16, 3),
                        section="3.2(ii)"),
            wrong=(Wrong("the seed's equation's stride 2 with p = 16",
                         lambda: output_shape(16, 2)),
                   Wrong("'same' padding p = 1 at stride 1", lambda: output_shape(1, 1)),
                   Wrong("stride 2 without padding", lambda: output_shape(0, 2))),
        ),
        Equation(
            name="padding-at-stride-two",
            derivation=(
                r"\left\lfloor\frac{61+2p}{2}\right\rfloor+1 = 32 &\iff 62\le 61+2p<64 \iff "
                r"\tfrac12\le p<\tfrac32",
                r"p=0:\ \lfloor 61/2\rfloor+1 &= 31,\qquad p=1:\ \lfloor 63/2\rfloor+1 = 32\ "
                r"\Rightarrow\ p=1",
            ),
            asks=r"The padding that gives $H=W=32$ at the stride $s=2$ the seed's equation uses",
            lhs=lambda: smallest_padding(2),
            rhs=lambda: 1,
            answer_latex=r"p=1:\ \lfloor(64-3+2)/2\rfloor+1=32\ \text{(exact division has no "
                         r"integer solution: } p=\tfrac12)",
            claim=Claim(r"\frac{64-3+2pad}{2} + 1 = 32 \Rightarrow p = 16",
                        lambda: 16, section="3.2(ii)"),
            wrong=(Wrong("the exact-division root p = 1/2", lambda: 0.5),
                   Wrong("no padding", lambda: 0)),
        ),
    ),
)
