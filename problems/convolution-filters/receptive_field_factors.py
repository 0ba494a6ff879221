"""Seed 004 §3.2: what changes the receptive field of a neuron (depth, kernel size, stride,
pooling), by propagating the input interval a neuron sees back through each layer."""

from derivekit.model import Claim, Equation, Given, Problem, Source, Wrong, integers


def back_through(interval, kernel, stride):
    """Input positions [lo, hi] seen by output positions [lo, hi] of a layer (window
    ``kernel``, step ``stride``): output i reads inputs i*stride .. i*stride + kernel - 1."""
    lo, hi = interval
    return (lo * stride, hi * stride + kernel - 1)


def receptive_field(layers):
    """Width of the input interval seen by one neuron of the last layer (1-D; square in 2-D)."""
    interval = (0, 0)
    for kernel, stride in reversed(layers):
        interval = back_through(interval, kernel, stride)
    return interval[1] - interval[0] + 1


PROBLEM = Problem(
    id="receptive-field-factors",
    title="Receptive field: depth, kernel size, stride and pooling",
    source=Source("004_19698b34fe55bc49.txt", "3.2"),
    statement=(
        r"The receptive field of a neuron is the input area that can affect it. List three things "
        r"that affect its size. Here: conv($k_1$, stride $s_1$) $\to$ conv($k_2$, stride $s_2$), "
        r"and conv($k_1$) $\to$ max-pool($p$, stride $p$) $\to$ conv($k_2$), in one dimension "
        r"(a $k\times k$ window is the same in each)."
    ),
    givens=(
        Given("k1", (), integers(2, 7), "k_1"),
        Given("k2", (), integers(2, 7), "k_2"),
        Given("k3", (), integers(2, 7), "k_3"),
        Given("s1", (), integers(1, 4), "s_1"),
        Given("s2", (), integers(1, 4), "s_2"),
        Given("p", (), integers(2, 4), "p", "pooling window and stride"),
    ),
    parts=(
        Equation(
            name="stacked-convolutions",
            derivation=(
                r"r_L &= r_{L-1}+(k_L-1)\,\textstyle\prod_{l<L}s_l\quad(\text{one more output "
                r"step spans } \prod_{l<L}s_l \text{ inputs})",
                r"r_1 &= k_1,\qquad r_2 = k_1+(k_2-1)s_1",
                r"r_3 &= k_1+(k_2-1)s_1+(k_3-1)s_1s_2",
            ),
            asks=r"Receptive field after conv($k_1,s_1$) $\to$ conv($k_2,s_2$) $\to$ conv($k_3$)",
            lhs=lambda k1, k2, k3, s1, s2: receptive_field([(k1, s1), (k2, s2), (k3, 1)]),
            rhs=lambda k1, k2, k3, s1, s2: k1 + (k2 - 1) * s1 + (k3 - 1) * s1 * s2,
            answer_latex=r"r=k_1+(k_2-1)s_1+(k_3-1)s_1s_2\ \ (r_L=r_{L-1}+(k_L-1)\prod_{l<L}s_l)",
            notes="Each layer adds (k-1) times the product of the earlier strides: depth, kernel "
                  "size and stride all enlarge the receptive field.",
            wrong=(Wrong("strides ignored", lambda k1, k2, k3: k1 + k2 + k3 - 2),
                   Wrong("own stride counted", lambda k1, k2, k3, s1, s2:
                         k1 * s1 + (k2 - 1) * s1 * s2 + (k3 - 1) * s1 * s2)),
        ),
        Equation(
            name="pooling-enlarges",
            derivation=(
                r"\text{conv}(k_1)\to\text{pool}(p)\to\text{conv}(k_2):\ r &= "
                r"k_1+(p-1)\cdot1+(k_2-1)\cdot p = k_1+pk_2-1",
                r"\text{conv}(k_1)\to\text{conv}(k_2):\ r &= k_1+(k_2-1) = k_1+k_2-1",
                r"\text{difference} &= pk_2-k_2 = k_2(p-1)",
            ),
            asks=r"Receptive field with a pool($p$) between two convolutions, minus without it",
            lhs=lambda k1, k2, p: receptive_field([(k1, 1), (p, p), (k2, 1)])
            - receptive_field([(k1, 1), (k2, 1)]),
            rhs=lambda k2, p: k2 * (p - 1),
            answer_latex=r"k_2(p-1)>0:\ k_1+pk_2-1\ \text{versus}\ k_1+k_2-1",
            wrong=(Wrong("only the pooling window added", lambda p: p - 1),
                   Wrong("pooling shrinks it", lambda k2, p: -k2 * (p - 1) / 2)),
        ),
    ),
    prose=(
        Claim("Convolutional layer depth: As we move deeper into the CNN, the receptive field "
              "increases due to the stacking of multiple convolutional layers.", section="3.2",
              reason="a qualitative list item: right; part stacked-convolutions shows each layer "
                     "adds (k_L - 1) prod s_l"),
        Claim("Kernel/Filter size: ... a neuron that uses a 5x5 kernel has a larger receptive "
              "field than a neuron that uses a 3x3 kernel.", section="3.2",
              reason="qualitative: right (the k terms of stacked-convolutions)"),
        Claim("Stride and pooling: Pooling layers reduce the spatial dimension of the feature "
              "maps, which can lead to a smaller receptive field. However, strides can increase "
              "the receptive field ...", lambda k2, p: 0 * k2 * p, section="3.2",
              judged_by="pooling-enlarges",
              reason="what a pool(p) adds to the receptive field: nothing (the claim has it "
                     "smaller, at best the same; strides, which it gets right, are part "
                     "stacked-convolutions)"),
    ),
)
