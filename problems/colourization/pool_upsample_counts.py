"""Seed 004 §4.3: weights, outputs and connections of the colourization PoolUpsampleNet."""

from derivekit.model import Claim, Equation, Given, Problem, Source, Wrong, integers


def conv(layers, shape, c_out, k):
    """Conv2d, kernel K = 2k+1, padding k, stride 1: fan-in K^2 C_in per output (padding
    included), C_out C_in K^2 weights plus C_out biases."""
    c_in, h, w = shape
    size = 2 * k + 1
    h_out, w_out = (h + 2 * k - size) // 1 + 1, (w + 2 * k - size) // 1 + 1
    units = c_out * h_out * w_out
    layers.append((c_out * c_in * size * size + c_out, units, units * c_in * size * size))
    return (c_out, h_out, w_out)


def max_pool(layers, shape):
    """MaxPool2d(2): each output sees a 2x2 window of one channel."""
    c, h, w = shape
    h_out, w_out = (h - 2) // 2 + 1, (w - 2) // 2 + 1
    units = c * h_out * w_out
    layers.append((0, units, 4 * units))
    return (c, h_out, w_out)


def upsample(layers, shape):
    """Upsample(scale 2, nearest): each output copies one input unit."""
    c, h, w = shape
    units = c * 2 * h * 2 * w
    layers.append((0, units, units))
    return (c, 2 * h, 2 * w)


def batch_norm(layers, shape):
    """BatchNorm2d: gamma and beta per channel; each output reads one input unit."""
    c, h, w = shape
    units = c * h * w
    layers.append((2 * c, units, units))
    return shape


def pool_upsample_net(NIC, NF, NC, k, side):
    """(weights, outputs, connections) of every module, in the seed's 4.1 order."""
    layers = []
    shape = (NIC, side, side)
    for c_out, resample in ((NF, max_pool), (2 * NF, max_pool), (NF, upsample),
                            (NC, upsample)):
        shape = conv(layers, shape, c_out, k)
        shape = resample(layers, shape)
        shape = batch_norm(layers, shape)
    conv(layers, shape, NC, k)
    return layers


def count(which, side):
    """Sum one column (0 weights, 1 outputs, 2 connections) over the layer list."""
    return lambda NIC, NF, NC, k: sum(
        layer[which] for layer in pool_upsample_net(NIC, NF, NC, k, side))


def weights(NIC, NF, NC, k):
    K = 2 * k + 1
    return K**2 * (NIC * NF + 4 * NF**2 + NF * NC + NC**2) + 12 * NF + 4 * NC


def outputs(NF, NC):
    return 2880 * NF + 3328 * NC


def connections(NIC, NF, NC, k):
    K = 2 * k + 1
    return (K**2 * (1024 * NIC * NF + 640 * NF**2 + 256 * NF * NC + 1024 * NC**2)
            + 2432 * NF + 2048 * NC)


def seed_connections(NIC, NF, NC, k):
    """The seed's total as typeset: K^2 multiplies only the NIC NF term."""
    K = 2 * k + 1
    return (K**2 * (1024 * NIC * NF) + 256 * NF * NC + 1024 * NC**2 + 640 * NF**2
            + 2048 * NC + 2432 * NF)


def ratio(which):
    """How the count changes when the 32x32 input becomes 64x64."""
    return lambda NIC, NF, NC, k: count(which, 64)(NIC, NF, NC, k) / count(which, 32)(
        NIC, NF, NC, k)


CONVENTION = (
    "Counting convention (the seed's, read off its term lists): weights are conv kernels, conv "
    "biases and BatchNorm gamma/beta; outputs and connections are counted for every Conv2d, "
    "MaxPool2d/Upsample and BatchNorm2d module (the element-wise ReLU is not counted "
    "separately); a conv output unit has K^2 C_in connections, zero padding included; a "
    "2x2 max-pool output has 4, an upsampled or normalised output 1. The input image is not "
    "an output.")

PROBLEM = Problem(
    id="pool-upsample-net-counts",
    title="PoolUpsampleNet: number of weights, outputs and connections",
    source=Source("004_19698b34fe55bc49.txt", "4.3"),
    statement=(
        r"The colourization CNN PoolUpsampleNet maps an $\mathrm{NIC}\times32\times32$ image "
        r"through four blocks Conv2d($K\times K$, padding $\lfloor K/2\rfloor$) $\to$ "
        r"MaxPool2d(2) or Upsample(2) $\to$ BatchNorm2d $\to$ ReLU with output channels NF, "
        r"2NF (pooling), NF, NC (upsampling), then a final Conv2d(NC $\to$ NC). Compute the "
        r"number of weights, outputs and connections as functions of NIC, NF, NC (and $K$), and "
        r"how they change when each input dimension is doubled."
    ),
    givens=(
        Given("NIC", (), integers(1, 4), r"\mathrm{NIC}", "input channels"),
        Given("NF", (), integers(1, 64), r"\mathrm{NF}", "filters"),
        Given("NC", (), integers(1, 32), r"\mathrm{NC}", "colours (output channels)"),
        Given("k", (), integers(1, 3), "k", "half-width: kernel K = 2k+1 (odd)"),
        Given("K", (), latex="K", description="the kernel size", definition="2*k + 1"),
    ),
    parts=(
        Equation(
            name="weights",
            derivation=(
                r"\text{conv: } &K^2C_{in}C_{out}+C_{out}\ \text{(kernel, bias)},\qquad "
                r"\text{BatchNorm: } 2C\ (\gamma,\beta)",
                r"K^2\text{-terms} &= \mathrm{NIC\,NF} + \mathrm{NF}\cdot2\mathrm{NF} + "
                r"2\mathrm{NF}\cdot\mathrm{NF} + \mathrm{NF\,NC} + \mathrm{NC}^2",
                r"\text{biases} + \gamma,\beta &= (\mathrm{NF} + 2\mathrm{NF}) + (2\mathrm{NF} + "
                r"4\mathrm{NF}) + (\mathrm{NF} + 2\mathrm{NF}) + (\mathrm{NC} + 2\mathrm{NC}) + "
                r"\mathrm{NC} = 12\mathrm{NF} + 4\mathrm{NC}",
            ),
            asks=r"Number of weights (conv kernels, biases, BatchNorm $\gamma,\beta$)",
            lhs=count(0, 32),
            rhs=weights,
            answer_latex=r"K^2(\mathrm{NIC\,NF}+4\mathrm{NF}^2+\mathrm{NF\,NC}+\mathrm{NC}^2)"
                         r"+12\mathrm{NF}+4\mathrm{NC}",
            notes=CONVENTION,
            claim=Claim(r"K^2 \times [NIC(NF) + (NF)(NC) + NC^2 + 4NF^2] + 12NF + 4NC", weights,
                        section="4.3"),
            wrong=(Wrong("kernels only (no biases, no BatchNorm)", lambda NIC, NF, NC, k:
                         (2 * k + 1)**2 * (NIC * NF + 4 * NF**2 + NF * NC + NC**2)),
                   Wrong("BatchNorm without beta", lambda NIC, NF, NC, k:
                         (2 * k + 1)**2 * (NIC * NF + 4 * NF**2 + NF * NC + NC**2)
                         + 9 * NF + 3 * NC)),
        ),
        Equation(
            name="outputs",
            derivation=(
                r"\text{block 1 (conv, pool, BN): } "
                r"&32^2\mathrm{NF}+16^2\mathrm{NF}+16^2\mathrm{NF} = 1536\,\mathrm{NF}",
                r"\text{block 2: } "
                r"&16^2\cdot2\mathrm{NF}+8^2\cdot2\mathrm{NF}+8^2\cdot2\mathrm{NF} = "
                r"768\,\mathrm{NF}",
                r"\text{block 3: } &8^2\mathrm{NF}+16^2\mathrm{NF}+16^2\mathrm{NF} = "
                r"576\,\mathrm{NF}",
                r"\text{block 4, final conv: } "
                r"&16^2\mathrm{NC}+32^2\mathrm{NC}+32^2\mathrm{NC}+32^2\mathrm{NC} = "
                r"3328\,\mathrm{NC}",
            ),
            asks="Number of output units of all modules, 32x32 input",
            lhs=count(1, 32),
            rhs=outputs,
            answer_latex=r"2880\,\mathrm{NF}+3328\,\mathrm{NC}",
            notes=CONVENTION + " The seed's term list omits the final conv (32^2 NC) but its "
                               "total includes it.",
            claim=Claim(r"3328 NC + 2880 NF", outputs, section="4.3"),
            wrong=(Wrong("final conv left out (the seed's term list)",
                         lambda NF, NC: 2880 * NF + 2304 * NC),
                   Wrong("conv outputs only", lambda NF, NC: 1536 * NF + 1280 * NC)),
        ),
        Equation(
            name="connections",
            derivation=(
                r"\text{convs } (K^2C_{in}\text{ each}): &\ K^2\big(32^2\mathrm{NIC\,NF} + "
                r"16^2\cdot2\mathrm{NF}\cdot\mathrm{NF} + 8^2\mathrm{NF}\cdot2\mathrm{NF} + "
                r"16^2\mathrm{NC\,NF} + 32^2\mathrm{NC}^2\big)",
                r"&= K^2(1024\,\mathrm{NIC\,NF} + 640\,\mathrm{NF}^2 + 256\,\mathrm{NF\,NC} + "
                r"1024\,\mathrm{NC}^2)",
                r"\text{pools } (4\text{ each}): &\ 4(16^2\mathrm{NF}+8^2\cdot2\mathrm{NF}) = "
                r"1536\,\mathrm{NF}",
                r"\text{upsample, BN } (1\text{ each}): &\ "
                r"(16^2+8^2\cdot2+16^2+16^2)\mathrm{NF}+(32^2+32^2)\mathrm{NC} = "
                r"896\,\mathrm{NF}+2048\,\mathrm{NC}",
            ),
            asks="Number of connections, 32x32 input",
            lhs=count(2, 32),
            rhs=connections,
            answer_latex=r"K^2(1024\,\mathrm{NIC\,NF}+640\,\mathrm{NF}^2+256\,\mathrm{NF\,NC}"
                         r"+1024\,\mathrm{NC}^2)+2432\,\mathrm{NF}+2048\,\mathrm{NC}",
            notes=CONVENTION + " The seed's total closes the K^2 bracket after the NIC NF term "
                               "(and its term list drops K^2 from the third conv, 8^2 2NF NF); "
                               "with K^2 over all four quadratic terms it would be right.",
            claim=Claim(r"K^2(1024(NIC)(NF)) + 256(NF)(NC) + 1024(NC)^2 + 640(NF)^2 + 2048NC "
                        r"+ 2432NF", seed_connections, section="4.3"),
            wrong=(Wrong("K^2 dropped from the third conv (the seed's term list)",
                         lambda NIC, NF, NC, k: connections(NIC, NF, NC, k)
                         - ((2 * k + 1)**2 - 1) * 128 * NF**2),
                   Wrong("max-pool outputs with one connection",
                         lambda NIC, NF, NC, k: connections(NIC, NF, NC, k) - 1152 * NF)),
        ),
        Equation(
            name="weights-doubled-input",
            derivation=(
                r"\#\text{weights} &= \textstyle\sum_{\text{conv}}(K^2C_{in}C_{out} + C_{out}) + "
                r"\sum_{\text{BN}}2C\quad(\text{no } h,w \text{ in any term})",
                r"\text{ratio} &= 1",
            ),
            asks="Weights with a 64x64 input, relative to 32x32",
            lhs=ratio(0),
            rhs=lambda: 1,
            answer_latex=r"\times1\ \text{(unchanged: weights do not depend on the image size)}",
            claim=Claim("Total # of weights remains unchanged.", lambda: 1, section="4.3"),
            wrong=(Wrong("scales with the area", lambda: 4),),
        ),
        Equation(
            name="outputs-doubled-input",
            derivation=(
                r"\text{each module: } C\,h\,w &\to C\,(2h)(2w) = 4\,C\,h\,w",
                r"4(2880\,\mathrm{NF}+3328\,\mathrm{NC}) &= 11520\,\mathrm{NF}+13312\,\mathrm{NC}",
            ),
            asks="Outputs with a 64x64 input, relative to 32x32",
            lhs=ratio(1),
            rhs=lambda: 4,
            answer_latex=r"\times4:\ 11520\,\mathrm{NF}+13312\,\mathrm{NC}",
            claim=Claim("Total # of outputs is 4x times of the previous number.", lambda: 4,
                        section="4.3"),
            wrong=(Wrong("scales with the side", lambda: 2),),
        ),
        Equation(
            name="connections-doubled-input",
            derivation=(
                r"\text{each module: } (\text{fan-in})\cdot C\,h\,w &\to (\text{fan-in})\cdot "
                r"C\,(2h)(2w) = 4\,(\text{fan-in})\cdot C\,h\,w",
                r"4\big(K^2(1024,640,256,1024)\big),\ 4(2432,2048) &= K^2(4096,2560,1024,4096),\ "
                r"(9728,8192)",
            ),
            asks="Connections with a 64x64 input, relative to 32x32",
            lhs=ratio(2),
            rhs=lambda: 4,
            answer_latex=r"\times4:\ K^2(4096\,\mathrm{NIC\,NF}+2560\,\mathrm{NF}^2+1024\,"
                         r"\mathrm{NF\,NC}+4096\,\mathrm{NC}^2)+9728\,\mathrm{NF}+8192\,"
                         r"\mathrm{NC}",
            claim=Claim("Total # of connections is 4x times of the previous number.", lambda: 4,
                        section="4.3"),
            wrong=(Wrong("scales with the side", lambda: 2),
                   Wrong("unchanged, like the weights", lambda: 1)),
        ),
    ),
    prose=(
        Claim("I think the result are pretty good, as both of the training and validation loss "
              "curve show a decreasing trend ... The final validation accuracy is 41.1%",
              section="4.2",
              reason="an opinion on the seed's own training run: no data here to reproduce it"),
    ),
)
