"""Seed 002 §7: max-pooling unrolled into an MLP takes two ReLU layers per 2x2 window."""

import numpy as np

from derivekit.model import Claim, Equation, Given, Problem, Source, Wrong
from derivekit.ops import SymbolicUnsupported, backend, max_entry, relu

POOL_LAYER_1 = np.array([[1, -1, 0, 0], [0, 1, 0, 0], [0, -1, 0, 0],
                         [0, 0, 1, -1], [0, 0, 0, 1], [0, 0, 0, -1]])
"""relu(a - b), relu(b), relu(-b), and the same for (c, d): max(a, b) = b + relu(a - b)."""
POOL_LAYER_2 = np.array([[1, 1, -1, -1, -1, 1], [0, 0, 0, 1, 1, -1], [0, 0, 0, -1, -1, 1]])
"""relu(m1 - m2), relu(m2), relu(-m2) with m1 = max(a, b), m2 = max(c, d)."""
POOL_OUTPUT = np.array([[1, 1, -1]])


def maxpool_mlp(v):
    """max(a, b, c, d) by a 4-6-3-1 ReLU MLP (two hidden layers)."""
    return POOL_OUTPUT @ relu(POOL_LAYER_2 @ relu(POOL_LAYER_1 @ v))


def window_max(v):
    """max(a, b, c, d); SymPy cannot match a Max against nested ReLU Piecewises (it spends
    seconds and gives up), so the symbolic trace declines and the numeric witness decides."""
    if backend(v) == "symbolic":
        raise SymbolicUnsupported("Max against nested Piecewise")
    return max_entry(v)


PROBLEM = Problem(
    id="maxpool-as-relu-mlp",
    title="CNNs as MLPs: a max-pooling window as ReLU layers",
    source=Source("002_a2d52afd229cfba6.txt", "7"),
    statement=(
        r"The seed says pooling, like convolution, unrolls into matrix products followed by "
        r"nonlinear activations, one MLP layer per CNN layer. Compute $\max(a,b,c,d)$ of a "
        r"$2\times2$ window with ReLU layers."
    ),
    givens=(Given("v", (4, 1), description="one flattened 2x2 pooling window (a, b, c, d)"),),
    parts=(
        Equation(
            name="maxpool-as-relu-mlp",
            asks=r"$\max(a,b,c,d)$ of a $2\times2$ window by ReLU layers",
            lhs=window_max,
            rhs=lambda v: maxpool_mlp(v)[0, 0],
            answer_latex=(r"\max(a,b)=b+\operatorname{relu}(a-b),\ b=\operatorname{relu}(b)-"
                          r"\operatorname{relu}(-b):\ \text{a }4\text{-}6\text{-}3\text{-}1"
                          r"\text{ ReLU MLP (two hidden layers)}"),
            derivation=(
                r"\max(a,b) &= b+\operatorname{relu}(a-b),\quad "
                r"b=\operatorname{relu}(b)-\operatorname{relu}(-b)",
                r"\text{layer 1} &: \operatorname{relu}(a-b),\ \operatorname{relu}(\pm b),\ "
                r"\operatorname{relu}(c-d),\ \operatorname{relu}(\pm d)",
                r"\text{layer 2} &: \operatorname{relu}(m_1-m_2),\ \operatorname{relu}(\pm "
                r"m_2),\quad m_1=\max(a,b),\ m_2=\max(c,d)",
                r"\max(a,b,c,d) &= "
                r"\operatorname{relu}(m_1-m_2)+\operatorname{relu}(m_2)-\operatorname{relu}(-m_2)",
            ),
            wrong=(Wrong("first ReLU layer only: max(a, b), the pair (c, d) never compared",
                         lambda v: v[1, 0] + relu(v[0, 0] - v[1, 0])),),
        ),
    ),
    prose=(
        Claim(r"Multiple convolutional layers and pooling operations can be similarly unrolled "
              r"and represented as matrix multiplications followed by nonlinear activations. "
              r"Each layer in the CNN corresponds to a layer in the MLP.",
              section="7 proof 4",
              reason="no construction is given for pooling; the verified part builds a 2x2 "
                     "max-pool from two ReLU layers (pairwise maxima), and a max of three or more "
                     "inputs is known not to fit in one hidden ReLU layer, so 'one MLP layer per "
                     "CNN layer' is not literal for max-pooling"),
    ),
)
