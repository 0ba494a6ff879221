"""Seed 002 §10: receptive field of one unit after n conv layers, recursion and closed form."""

from derivekit.model import Claim, Equation, Given, Problem, Source, Wrong, integers
from derivekit.ops import prod


def input_span(k, s, layers):
    """Propagate the index range of one unit back through the first `layers` layers: output
    positions a..b of layer i read inputs a*s_i .. b*s_i + k_i - 1. Returns the width."""
    first, last = 0, 0
    for i in reversed(range(layers)):
        first, last = first * s[i, 0], last * s[i, 0] + k[i, 0] - 1
    return last - first + 1


def closed_form(k, s):
    """k_1 + sum_{i>=2} (k_i - 1) prod_{j<i} s_j."""
    n = k.shape[0]
    return k[0, 0] + sum((k[i, 0] - 1) * prod(s[:i, :]) for i in range(1, n))


def seed_increment(k, s):
    n = k.shape[0]
    return (k[n - 1, 0] - 1) * prod(s[:n - 1, :])


PROBLEM = Problem(
    id="receptive-field-closed-form",
    title="Receptive field of a unit in the n-th convolution layer",
    source=Source("002_a2d52afd229cfba6.txt", "10"),
    statement=(
        r"Layer $i$ of a stack of convolutions has kernel width $k_i$ and stride $s_i$ (no "
        r"dilation). Find a closed-form, non-recursive formula for the receptive field "
        r"$RF_n$ (in input pixels, per axis) of a $1\times1$ square in layer $n$."
    ),
    givens=(
        Given("k", ("n", 1), integers(1, 5), "k", "kernel widths k_1..k_n"),
        Given("s", ("n", 1), integers(1, 3), "s", "strides s_1..s_n"),
    ),
    shapes=({"n": 2}, {"n": 3}, {"n": 5}),
    parts=(
        Equation(
            name="first-layer",
            derivation=(
                r"RF_1 &= k_1 \quad\text{(one window of layer 1 covers } k_1\text{ adjacent "
                r"inputs)}",
            ),
            asks=r"$RF_1$",
            lhs=lambda k, s: input_span(k, s, 1),
            rhs=lambda k: k[0, 0],
            answer_latex=r"RF_1=k_1",
            claim=Claim(r"RF_1 = k_1", lambda k: k[0, 0]),
            wrong=(Wrong("k_1 - 1", lambda k: k[0, 0] - 1),),
        ),
        Equation(
            name="recursion",
            derivation=(
                r"j_{n-1} &= \textstyle\prod_{i=1}^{n-1}s_i \quad\text{(input offset of adjacent "
                r"layer-}(n-1)\text{ units)}",
                r"RF_n &= RF_{n-1}+(k_n-1)\,j_{n-1} \quad\text{(a unit reads } k_n\text{ adjacent "
                r"layer-}(n-1)\text{ units)}",
            ),
            asks=r"$RF_n-RF_{n-1}$ (propagating index ranges through layers $n$ and $n-1$)",
            lhs=lambda k, s: input_span(k, s, k.shape[0]) - input_span(k, s, k.shape[0] - 1),
            rhs=seed_increment,
            answer_latex=r"RF_n-RF_{n-1}=(k_n-1)\prod_{i=1}^{n-1}s_i",
            claim=Claim(r"RF_n = RF_{n-1} + (k_n - 1) \prod_{i=1}^{n-1} s_i", seed_increment),
            wrong=(Wrong("own stride included: prod_{i<=n} s_i",
                         lambda k, s: (k[-1, 0] - 1) * prod(s)),
                   Wrong("k_n instead of k_n - 1",
                         lambda k, s: k[-1, 0] * prod(s[:-1, :]))),
        ),
        Equation(
            name="closed-form",
            derivation=(
                r"RF_n &= RF_1+\textstyle\sum_{i=2}^{n}(RF_i-RF_{i-1})",
                r"&= k_1+\textstyle\sum_{i=2}^{n}(k_i-1)\prod_{j=1}^{i-1}s_j",
            ),
            asks=r"$RF_n$ in closed form (checked against propagated index ranges)",
            form="closed form",
            lhs=lambda k, s: input_span(k, s, k.shape[0]),
            rhs=closed_form,
            answer_latex=r"RF_n=k_1+\sum_{i=2}^{n}(k_i-1)\prod_{j=1}^{i-1}s_j",
            claim=Claim(r"RF_n = k_1 + \sum_{i=2}^n \left((k_i - 1) \prod_{j=1}^{i-1} s_j\right)",
                        closed_form),
            wrong=(Wrong("strides ignored: sum of (k_i - 1) + 1",
                         lambda k: 1 + sum(k[i, 0] - 1 for i in range(k.shape[0]))),
                   Wrong("only the previous stride",
                         lambda k, s: k[0, 0] + sum((k[i, 0] - 1) * s[i - 1, 0]
                                                    for i in range(1, k.shape[0]))),
                   Wrong("own stride included in the product",
                         lambda k, s: k[0, 0] + sum((k[i, 0] - 1) * prod(s[:i + 1, :])
                                                    for i in range(1, k.shape[0])))),
        ),
    ),
)
