"""Seed 004 §4.1, §5.1: output size of the colourization nets as coded by ChatGPT (no
padding) and by the seed ("My code"), for a 32x32 input and kernel 3."""

from derivekit.model import Claim, Equation, Problem, Source, Wrong

KERNEL = 3


def conv(side, padding, stride=1):
    """PyTorch Conv2d output side (dilation 1)."""
    return (side + 2 * padding - KERNEL) // stride + 1


def conv_transpose(side, padding, output_padding, stride=2):
    """PyTorch ConvTranspose2d output side (dilation 1)."""
    return (side - 1) * stride - 2 * padding + KERNEL + output_padding


def pool(side):
    return (side - 2) // 2 + 1


def pool_upsample(padding):
    """conv-pool, conv-pool, conv-upsample, conv-upsample, conv (both versions' order)."""
    side = pool(conv(32, padding))
    side = pool(conv(side, padding))
    side = 2 * conv(side, padding)
    side = 2 * conv(side, padding)
    return conv(side, padding)


def conv_transpose_net(padding, output_padding):
    side = conv(conv(32, padding, stride=2), padding, stride=2)
    side = conv_transpose(conv_transpose(side, padding, output_padding), padding, output_padding)
    return side


def chatgpt_conv_transpose_net():
    """ChatGPT's version has no final NC -> NC conv and passes neither padding."""
    return conv_transpose_net(0, 0)


def seed_conv_transpose_net():
    """The seed's version adds the final conv (padding 1)."""
    return conv(conv_transpose_net(KERNEL // 2, 1), KERNEL // 2)


DIAGRAM = "the diagram's output, NC x 32 x 32"

PROBLEM = Problem(
    id="colourization-output-sizes",
    title="Output size of the colourization nets as coded (ChatGPT versus the seed)",
    source=Source("004_19698b34fe55bc49.txt", "4.1, 5.1"),
    statement=(
        r"The nets must map a $32\times32$ image to a $32\times32$ output. ChatGPT's "
        r"PoolUpsampleNet and ConvTransposeNet create Conv2d/ConvTranspose2d without the "
        r"starter code's padding (kernel 3); the seed's own code passes padding $=\lfloor K/2"
        r"\rfloor$ and output padding 1. What output side does each produce?"
    ),
    givens=(),
    parts=(
        Equation(
            name="pool-upsample-chatgpt",
            derivation=(
                r"\text{Conv2d}(3,\ p=0):\ s &\mapsto s+0-3+1 = s-2,\quad \text{pool: } "
                r"s\mapsto\lfloor s/2\rfloor,\quad \text{upsample: } s\mapsto2s",
                r"32 & \xrightarrow{\text{conv}}30 \xrightarrow{\text{pool}}15 "
                r"\xrightarrow{\text{conv}}13 \xrightarrow{\text{pool}}6 "
                r"\xrightarrow{\text{conv}}4",
                r"4 & \xrightarrow{\text{up}}8 \xrightarrow{\text{conv}}6 "
                r"\xrightarrow{\text{up}}12 \xrightarrow{\text{conv}}10",
            ),
            asks="Output side of ChatGPT's PoolUpsampleNet (no padding)",
            lhs=lambda: pool_upsample(0),
            rhs=lambda: 10,
            answer_latex=r"32\to30\to15\to13\to6\to4\to8\to6\to12\to10:\ 10\times10",
            claim=Claim("ChatGPT's PoolUpsampleNet code (offered as the 4.1 answer) implements "
                        + DIAGRAM, lambda: 32, section="4.1 (output prompted by ChatGPT)"),
            wrong=(Wrong("the diagram's 32", lambda: 32),),
        ),
        Equation(
            name="pool-upsample-seed",
            derivation=(
                r"\text{Conv2d}(3,\ p=1):\ s &\mapsto s+2-3+1 = s\quad(\text{every conv keeps the "
                r"side})",
                r"32 & \xrightarrow{\text{pool}}16 \xrightarrow{\text{pool}}8 "
                r"\xrightarrow{\text{up}}16 \xrightarrow{\text{up}}32 \xrightarrow{\text{conv}}32",
            ),
            asks="Output side of the seed's PoolUpsampleNet (padding 1)",
            lhs=lambda: pool_upsample(KERNEL // 2),
            rhs=lambda: 32,
            answer_latex=r"32\to16\to8\to16\to32\to32",
            claim=Claim("My code: PoolUpsampleNet with padding=kernel//2 implements " + DIAGRAM,
                        lambda: 32, section="4.1 (My code)"),
            wrong=(Wrong("one pooling too many", lambda: 16),),
        ),
        Equation(
            name="conv-transpose-chatgpt",
            derivation=(
                r"\text{Conv2d}(3,\ s{=}2,\ p{=}0):\ &\lfloor(32-3)/2\rfloor+1 = 15,\quad "
                r"\lfloor(15-3)/2\rfloor+1 = 7",
                r"\text{ConvTranspose2d}(3,\ s{=}2,\ p{=}0):\ &(7-1)\cdot2+3 = 15,\quad "
                r"(15-1)\cdot2+3 = 31",
            ),
            asks="Output side of ChatGPT's ConvTransposeNet (no padding, no output padding)",
            lhs=chatgpt_conv_transpose_net,
            rhs=lambda: 31,
            answer_latex=r"32\to15\to7\to15\to31:\ 31\times31",
            claim=Claim("ChatGPT's ConvTransposeNet code implements " + DIAGRAM, lambda: 32,
                        section="5.1 (output prompted by ChatGPT)"),
            wrong=(Wrong("the diagram's 32", lambda: 32),),
        ),
        Equation(
            name="conv-transpose-seed",
            derivation=(
                r"\text{Conv2d}(3,\ s{=}2,\ p{=}1):\ &\lfloor(32+2-3)/2\rfloor+1 = 16,\quad "
                r"\lfloor(16+2-3)/2\rfloor+1 = 8",
                r"\text{ConvTranspose2d}(p{=}1,\ op{=}1):\ &(8-1)\cdot2-2+3+1 = 16,\quad "
                r"(16-1)\cdot2-2+3+1 = 32",
                r"\text{final Conv2d}(3,\ p{=}1):\ &32+2-3+1 = 32",
            ),
            asks="Output side of the seed's ConvTransposeNet (padding 1, output padding 1)",
            lhs=seed_conv_transpose_net,
            rhs=lambda: 32,
            answer_latex=r"32\to16\to8\to16\to32\to32",
            claim=Claim("My code: ConvTransposeNet with padding and output_padding implements "
                        + DIAGRAM, lambda: 32, section="5.1 (My code)"),
            wrong=(Wrong("output padding forgotten: 31", lambda: 31),),
        ),
    ),
)
