"""Seed 004 §5.1 and §6.1: weights, outputs and connections of the colourization
ConvTransposeNet and UNet (as the seed builds them), the §4.3 question asked of them."""

from derivekit.model import Claim, Equation, Given, Problem, Source, Wrong, integers


def conv(layers, shape, c_out, k, stride=1):
    """Conv2d, kernel K = 2k+1, padding k: fan-in K^2 C_in per output unit (padding
    included), C_out C_in K^2 weights plus C_out biases."""
    c_in, h, w = shape
    size = 2 * k + 1
    h_out, w_out = (h + 2 * k - size) // stride + 1, (w + 2 * k - size) // stride + 1
    units = c_out * h_out * w_out
    layers.append((c_out * c_in * size * size + c_out, units, units * c_in * size * size))
    return (c_out, h_out, w_out)


def conv_transpose(layers, shape, c_out, k, stride=2, output_padding=1):
    """ConvTranspose2d, padding k: each input unit scatters to K^2 C_out outputs (the
    connections of the strided conv it transposes, cropped ones included)."""
    c_in, h, w = shape
    size = 2 * k + 1
    h_out = (h - 1) * stride - 2 * k + (size - 1) + output_padding + 1
    w_out = (w - 1) * stride - 2 * k + (size - 1) + output_padding + 1
    layers.append((c_in * c_out * size * size + c_out, c_out * h_out * w_out,
                   c_in * h * w * c_out * size * size))
    return (c_out, h_out, w_out)


def batch_norm(layers, shape):
    """BatchNorm2d: gamma and beta per channel; each output reads one input unit."""
    c, h, w = shape
    units = c * h * w
    layers.append((2 * c, units, units))
    return shape


def concat(a, b):
    """torch.cat along channels: no new units, no weights."""
    return (a[0] + b[0], a[1], a[2])


def conv_transpose_net(NIC, NF, NC, k, side, skips=False):
    """The seed's 5.1 ConvTransposeNet; with ``skips`` its 6.1 UNet (cat after layer 3 with
    layer 1's output, after layer 4 with the input)."""
    layers = []
    image = (NIC, side, side)
    first = batch_norm(layers, conv(layers, image, NF, k, stride=2))
    second = batch_norm(layers, conv(layers, first, 2 * NF, k, stride=2))
    third = batch_norm(layers, conv_transpose(layers, second, NF, k))
    fourth = batch_norm(layers, conv_transpose(layers, concat(third, first) if skips else third,
                                               NC, k))
    conv(layers, concat(fourth, image) if skips else fourth, NC, k)
    return layers


def count(which, side, skips):
    return lambda NIC, NF, NC, k: sum(
        layer[which] for layer in conv_transpose_net(NIC, NF, NC, k, side, skips))


def ratio(which, skips):
    return lambda NIC, NF, NC, k: count(which, 64, skips)(NIC, NF, NC, k) / count(
        which, 32, skips)(NIC, NF, NC, k)


def layer_weights(channels, side, k):
    """Weights of one conv layer (channels -> channels) reading a side x side map."""
    layers = []
    conv(layers, (channels, side, side), channels, k)
    return layers[0][0]


def kernel_area(k):
    return (2 * k + 1) ** 2


CONVENTION = (
    "The seed's 4.3 convention: weights are conv kernels, biases and BatchNorm gamma/beta; "
    "outputs and connections are counted for every conv, transposed conv and BatchNorm2d "
    "module (ReLU and concatenation add none); a conv output has K^2 C_in connections, a "
    "transposed-conv input K^2 C_out.")

PROBLEM = Problem(
    id="conv-transpose-unet-counts",
    title="ConvTransposeNet and UNet: number of weights, outputs and connections",
    source=Source("004_19698b34fe55bc49.txt", "5.1, 6.1"),
    statement=(
        r"ConvTransposeNet: Conv2d(NIC$\to$NF, stride 2), Conv2d(NF$\to$2NF, stride 2), "
        r"ConvTranspose2d(2NF$\to$NF), ConvTranspose2d(NF$\to$NC) (stride 2, output padding 1), "
        r"each followed by BatchNorm2d and ReLU, then Conv2d(NC$\to$NC); kernel $K$, padding "
        r"$\lfloor K/2\rfloor$, $32\times32$ input. UNet adds skips: layer 1's output is "
        r"concatenated to layer 3's, the input to layer 4's. Count weights, outputs and "
        r"connections, and their change when the input's width and height double."
    ),
    givens=(
        Given("NIC", (), integers(1, 4), r"\mathrm{NIC}"),
        Given("NF", (), integers(1, 64), r"\mathrm{NF}"),
        Given("NC", (), integers(1, 32), r"\mathrm{NC}"),
        Given("k", (), integers(1, 3), "k", "half-width: kernel K = 2k+1"),
        Given("K", (), latex="K", description="the kernel size", definition="2*k + 1"),
    ),
    parts=(
        Equation(
            name="convtranspose-weights",
            derivation=(
                r"\text{conv / conv}^T: &\ K^2C_{in}C_{out}+C_{out},\qquad \text{BN: } 2C",
                r"K^2\text{-terms} &= \mathrm{NIC\,NF} + \mathrm{NF}\cdot2\mathrm{NF} + "
                r"2\mathrm{NF}\cdot\mathrm{NF} + \mathrm{NF\,NC} + \mathrm{NC}^2",
                r"\text{biases} + \gamma,\beta &= (\mathrm{NF} + 2\mathrm{NF}) + (2\mathrm{NF} + "
                r"4\mathrm{NF}) + (\mathrm{NF} + 2\mathrm{NF}) + (\mathrm{NC} + 2\mathrm{NC}) + "
                r"\mathrm{NC} = 12\mathrm{NF} + 4\mathrm{NC}",
            ),
            asks="ConvTransposeNet: number of weights",
            lhs=count(0, 32, False),
            rhs=lambda NIC, NF, NC, k: kernel_area(k) * (NIC * NF + 4 * NF**2 + NF * NC + NC**2)
            + 12 * NF + 4 * NC,
            answer_latex=r"K^2(\mathrm{NIC\,NF}+4\mathrm{NF}^2+\mathrm{NF\,NC}+\mathrm{NC}^2)+"
                         r"12\mathrm{NF}+4\mathrm{NC}\ \text{(as PoolUpsampleNet)}",
            notes=CONVENTION,
            wrong=(Wrong("biases left out", lambda NIC, NF, NC, k: kernel_area(k) * (
                NIC * NF + 4 * NF**2 + NF * NC + NC**2) + 8 * NF + 2 * NC),),
        ),
        Equation(
            name="convtranspose-outputs",
            derivation=(
                r"\text{sides: } 32 &\to 16\to 8\to 16\to 32\to 32\ (\text{each "
                r"conv/conv}^T\text{ followed by BN})",
                r"\mathrm{NF}: &\ "
                r"2\cdot16^2\mathrm{NF}+2\cdot8^2\cdot2\mathrm{NF}+2\cdot16^2\mathrm{NF} = "
                r"(512+256+512)\,\mathrm{NF} = 1280\,\mathrm{NF}",
                r"\mathrm{NC}: &\ 2\cdot32^2\mathrm{NC}+32^2\mathrm{NC} = 3072\,\mathrm{NC}",
            ),
            asks="ConvTransposeNet: number of outputs, 32x32 input",
            lhs=count(1, 32, False),
            rhs=lambda NF, NC: 1280 * NF + 3072 * NC,
            answer_latex=r"1280\,\mathrm{NF}+3072\,\mathrm{NC}",
            wrong=(Wrong("first conv at full 32x32 resolution",
                         lambda NF, NC: 2048 * NF + 3072 * NC),),
        ),
        Equation(
            name="convtranspose-connections",
            derivation=(
                r"\text{Conv2d (per output } K^2C_{in}): &\ "
                r"K^2(16^2\mathrm{NIC\,NF}+8^2\cdot2\mathrm{NF}\cdot\mathrm{NF}+32^2\mathrm{NC}^2)",
                r"\text{ConvTranspose2d (per input } K^2C_{out}): &\ "
                r"K^2(8^2\cdot2\mathrm{NF}\cdot\mathrm{NF}+16^2\mathrm{NF}\cdot\mathrm{NC})",
                r"\text{BN (1 each)}: &\ (16^2+8^2\cdot2+16^2)\mathrm{NF}+32^2\mathrm{NC} = "
                r"640\,\mathrm{NF}+1024\,\mathrm{NC}",
                r"K^2\text{-terms} &= 256\,\mathrm{NIC\,NF} + (128 + 128)\,\mathrm{NF}^2 + "
                r"256\,\mathrm{NF\,NC} + 1024\,\mathrm{NC}^2",
            ),
            asks="ConvTransposeNet: number of connections, 32x32 input",
            lhs=count(2, 32, False),
            rhs=lambda NIC, NF, NC, k: kernel_area(k) * (
                256 * NIC * NF + 256 * NF**2 + 256 * NF * NC + 1024 * NC**2)
            + 640 * NF + 1024 * NC,
            answer_latex=r"K^2(256\,\mathrm{NIC\,NF}+256\,\mathrm{NF}^2+256\,\mathrm{NF\,NC}+1024"
                         r"\,\mathrm{NC}^2)+640\,\mathrm{NF}+1024\,\mathrm{NC}",
            wrong=(Wrong("transposed convs counted at their outputs", lambda NIC, NF, NC, k:
                         kernel_area(k) * (256 * NIC * NF + 640 * NF**2 + 1024 * NF * NC
                                           + 1024 * NC**2) + 640 * NF + 1024 * NC),),
        ),
        Equation(
            name="convtranspose-connections-doubled",
            derivation=(
                r"\text{every term} &\propto h\,w \text{ (of the input or output map)}: (2h)(2w) "
                r"= 4hw",
                r"\text{ratio} &= 4",
            ),
            asks="ConvTransposeNet: connections with a 64x64 input, relative to 32x32",
            lhs=ratio(2, False),
            rhs=lambda: 4,
            answer_latex=r"\times4\ \text{(outputs }\times4\text{, weights }\times1)",
            wrong=(Wrong("scales with the side", lambda: 2),),
        ),
        Equation(
            name="unet-weights",
            derivation=(
                r"\text{layer 4: } "
                r"&K^2(\mathrm{NF}+\mathrm{NF})\mathrm{NC}+\mathrm{NC}\quad(\text{cat with layer "
                r"1: } 2\mathrm{NF}\text{ in})",
                r"\text{final conv: } "
                r"&K^2(\mathrm{NC}+\mathrm{NIC})\mathrm{NC}+\mathrm{NC}\quad(\text{cat with the "
                r"input})",
                r"\text{total} &= K^2(\mathrm{NIC\,NF} + 4\mathrm{NF}^2 + 2\mathrm{NF\,NC} + "
                r"\mathrm{NIC\,NC} + \mathrm{NC}^2) + 12\mathrm{NF} + 4\mathrm{NC}",
            ),
            asks="UNet: number of weights",
            lhs=count(0, 32, True),
            rhs=lambda NIC, NF, NC, k: kernel_area(k) * (
                NIC * NF + 4 * NF**2 + 2 * NF * NC + NIC * NC + NC**2) + 12 * NF + 4 * NC,
            answer_latex=r"K^2(\mathrm{NIC\,NF}+4\mathrm{NF}^2+2\mathrm{NF\,NC}+\mathrm{NIC\,NC}+"
                         r"\mathrm{NC}^2)+12\mathrm{NF}+4\mathrm{NC}",
            wrong=(Wrong("skip channels not counted (ConvTransposeNet's)", lambda NIC, NF, NC, k:
                         kernel_area(k) * (NIC * NF + 4 * NF**2 + NF * NC + NC**2)
                         + 12 * NF + 4 * NC),),
        ),
        Equation(
            name="unet-outputs",
            derivation=(
                r"\text{torch.cat} &: \text{ no new units; every module's output is as in "
                r"ConvTransposeNet}",
                r"\mathrm{NF}: &\ (2\cdot16^2+2\cdot8^2\cdot2+2\cdot16^2)\mathrm{NF} = "
                r"1280\,\mathrm{NF},\quad \mathrm{NC}: 3\cdot32^2\mathrm{NC} = 3072\,\mathrm{NC}",
            ),
            asks="UNet: number of outputs, 32x32 input",
            lhs=count(1, 32, True),
            rhs=lambda NF, NC: 1280 * NF + 3072 * NC,
            answer_latex=r"1280\,\mathrm{NF}+3072\,\mathrm{NC}\ \text{(concatenation adds none)}",
            wrong=(Wrong("concatenated maps counted as new outputs",
                         lambda NIC, NF, NC: 1536 * NF + 3072 * NC + 1024 * NIC),),
        ),
        Equation(
            name="unet-connections",
            derivation=(
                r"\text{layer 4 (conv}^T, 2\mathrm{NF}\text{ in}): &\ 16^2\cdot2\mathrm{NF}\cdot "
                r"K^2\mathrm{NC} = 512K^2\mathrm{NF\,NC}",
                r"\text{final conv } (\mathrm{NC}+\mathrm{NIC}\text{ in}): &\ "
                r"32^2\mathrm{NC}\cdot K^2(\mathrm{NC}+\mathrm{NIC}) = "
                r"1024K^2(\mathrm{NC}^2+\mathrm{NIC\,NC})",
                r"\text{other layers} &: "
                r"K^2(256\,\mathrm{NIC\,NF}+256\,\mathrm{NF}^2)+640\,\mathrm{NF}+1024\,\mathrm{NC}",
            ),
            asks="UNet: number of connections, 32x32 input",
            lhs=count(2, 32, True),
            rhs=lambda NIC, NF, NC, k: kernel_area(k) * (
                256 * NIC * NF + 256 * NF**2 + 512 * NF * NC + 1024 * NIC * NC + 1024 * NC**2)
            + 640 * NF + 1024 * NC,
            answer_latex=r"K^2(256\,\mathrm{NIC\,NF}+256\,\mathrm{NF}^2+512\,\mathrm{NF\,NC}+1024"
                         r"\,\mathrm{NIC\,NC}+1024\,\mathrm{NC}^2)+640\,\mathrm{NF}+1024\,"
                         r"\mathrm{NC}",
            wrong=(Wrong("skip channels not counted", lambda NIC, NF, NC, k: kernel_area(k) * (
                256 * NIC * NF + 256 * NF**2 + 256 * NF * NC + 1024 * NC**2)
                + 640 * NF + 1024 * NC),),
        ),
        Equation(
            name="unet-connections-doubled",
            derivation=(
                r"\text{every term} &\propto h\,w:\ (2h)(2w) = 4hw\quad(\text{cat changes "
                r"channels, not sides})",
                r"\text{ratio} &= 4",
            ),
            asks="UNet: connections with a 64x64 input, relative to 32x32",
            lhs=ratio(2, True),
            rhs=lambda: 4,
            answer_latex=r"\times4",
            wrong=(Wrong("unchanged, like the weights", lambda: 1),),
        ),
        Equation(
            name="unet-extra-weights",
            derivation=(
                r"\text{layer 4: } &K^2\cdot2\mathrm{NF}\cdot\mathrm{NC}-K^2\mathrm{NF\,NC} = "
                r"K^2\mathrm{NF\,NC}",
                r"\text{final conv: } &K^2(\mathrm{NC}+\mathrm{NIC})\mathrm{NC}-K^2\mathrm{NC}^2 "
                r"= K^2\mathrm{NIC\,NC}",
                r"\text{sum} &= K^2\mathrm{NC}(\mathrm{NF}+\mathrm{NIC})",
            ),
            asks="Weights the skip connections add (UNet minus ConvTransposeNet)",
            lhs=lambda NIC, NF, NC, k: count(0, 32, True)(NIC, NF, NC, k)
            - count(0, 32, False)(NIC, NF, NC, k),
            rhs=lambda NIC, NF, NC, k: kernel_area(k) * NC * (NF + NIC),
            answer_latex=r"K^2\,\mathrm{NC}(\mathrm{NF}+\mathrm{NIC})",
            wrong=(Wrong("no extra weights", lambda NC: 0 * NC),),
        ),
        Equation(
            name="pooled-next-layer-weights",
            derivation=(
                r"\text{conv}(C\to C):\ &K^2C^2+C\ \text{weights, whatever the map's "
                r"}h\times w",
                r"\text{after a } 2\times2\text{ pool: } &\frac{K^2C^2+C}{K^2C^2+C} = 1",
            ),
            asks=r"Weights of the conv layer after a $2\times2$ max-pool (NF$\to$NF, "
                 r"$16\times16$ map) relative to the same layer on the $32\times32$ map",
            lhs=lambda NF, k: layer_weights(NF, 16, k) / layer_weights(NF, 32, k),
            rhs=lambda: 1,
            answer_latex="1",
            wrong=(Wrong("follows the map's area", lambda: 1 / 4),),
        ),
    ),
    prose=(
        Claim("upsample has nearest neighbour and bilinear modes ... The height and width of the "
              "output would be reduced by max-pooling, which means there may be less parameter "
              "for the next layer and more features can be learnt using ConvTransposeNet model",
              lambda: 1 / 4, section="5.3", judged_by="pooled-next-layer-weights",
              reason="the next layer's weights following its input map: 1/4 of them after a "
                     "2x2 pool (the difference between the nets is learnt, strided/transposed, "
                     "against fixed resampling, not the parameter count)"),
        Claim("The training and validation loss resulted from ConvTransposeNet model ... the "
              "final validation loss here are lower ..., with a higher accuracy of 55.1% instead "
              "of 41.1% before.", section="5.3",
              reason="reports the seed's own training runs: no data here to reproduce them"),
        Claim("The result here are better than the previous two, with the higher validation "
              "accuracy of 58.0% ... and lower validation loss of 1.0672", section="6.3",
              reason="reports the seed's own training runs: no data here to reproduce them"),
        Claim("1. There are more parameters involved for training. 2. The gradient decent can "
              "perform better ... 3. More info with the skip connections", section="6.3",
              reason="qualitative reasons: (1) is true but minor, K^2 NC (NF + NIC) extra "
                     "weights (part unet-extra-weights); (2) and (3), better gradient flow and "
                     "recovering detail lost by down-sampling, are the usual reasons"),
    ),
)
