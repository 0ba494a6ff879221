"""Seed 002 §1: a threshold network that outputs the three Hamming(7,4) parity bits."""

import numpy as np

from derivekit.model import AnswerReader, Claim, Equation, Problem, Source, Wrong
from derivekit.ops import step

ALL_INPUTS = np.array([[(j >> (3 - bit)) & 1 for j in range(16)] for bit in range(4)])
"""4 x 16: column j is the input whose bits D1 D2 D3 D4 spell j in binary (D1 first)."""

PARITY_INPUTS = ((0, 1, 3), (0, 2, 3), (1, 2, 3))
"""P1 = D1+D2+D4, P2 = D1+D3+D4, P3 = D2+D3+D4 (mod 2), as 0-based input indices."""


def parity_table(groups):
    """3 x 16 target: each parity bit as the sum of its inputs mod 2 (plain arithmetic)."""
    return np.array([ALL_INPUTS[list(g)].sum(axis=0) % 2 for g in groups])


def minterm_rows(a, b, c, and_bias):
    """Four hidden units over inputs a, b, c: the three one-hot minterms and a+b+c."""
    rows = np.zeros((4, 4))
    for r, signs in enumerate(((1, -1, -1), (-1, 1, -1), (-1, -1, 1), (1, 1, 1))):
        rows[r, [a, b, c]] = signs
    biases = np.array([[-0.5], [-0.5], [-0.5], [and_bias]])
    return rows, biases


def hidden_layer(groups, and_bias):
    blocks = [minterm_rows(*g, and_bias) for g in groups]
    return np.vstack([w for w, _ in blocks]), np.vstack([b for _, b in blocks])


def grouped(w_o):
    """Output unit k reads only hidden units 4k..4k+3 (how a 3 x 4 W_o fits 12 hidden units)."""
    out = np.zeros((3, 12))
    for k in range(3):
        out[k, 4 * k:4 * k + 4] = w_o[k]
    return out


def threshold_net(w_h, b_h, w_o, b_o):
    """O = step(W_o step(W_h D + B_h) + B_o) on all 16 inputs at once (3 x 16)."""
    return step(w_o @ step(w_h @ ALL_INPUTS + b_h) + b_o) + 0  # + 0: no -0.0


ONES_3X4 = np.ones((3, 4))
OUT_BIAS = np.full((3, 1), -0.5)
SEED_W_H = np.array([[1, -1, -1, 0], [-1, 1, -1, 0], [-1, -1, 1, 0], [1, 1, 1, 0],
                     [1, 0, -1, -1], [-1, 0, 1, -1], [-1, 0, -1, 1], [1, 0, 1, 1],
                     [0, 1, -1, -1], [0, -1, 1, -1], [0, -1, -1, 1], [0, 1, 1, 1]])
SEED_B_H = np.full((12, 1), -0.5)


def designed_net():
    """Minterm detectors for each parity (the 111 detector needs bias -2.5), OR at the output."""
    w_h, b_h = hidden_layer(PARITY_INPUTS, and_bias=-2.5)
    return threshold_net(w_h, b_h, grouped(ONES_3X4), OUT_BIAS)


def seed_net():
    return threshold_net(SEED_W_H, SEED_B_H, grouped(ONES_3X4), OUT_BIAS)


def sop(d, a, b, c):
    """(a¬b¬c) ∨ (¬a b¬c) ∨ (¬a¬b c) ∨ (a b c) with AND = product, NOT = 1 - x,
    OR = 1 - Π(1 - t)."""
    x, y, z = d[a], d[b], d[c]
    terms = (x * (1 - y) * (1 - z), (1 - x) * y * (1 - z), (1 - x) * (1 - y) * z, x * y * z)
    miss = 1
    for t in terms:
        miss = miss * (1 - t)
    return 1 - miss


def sop_table(groups):
    return np.array([sop(ALL_INPUTS, *g) for g in groups])


def min_distance(groups):
    """Smallest Hamming distance between two of the 16 codewords (D1..D4, P1, P2, P3)."""
    words = np.vstack([ALL_INPUTS, parity_table(groups)])
    dist = (words[:, :, None] != words[:, None, :]).sum(axis=0)
    return int(dist[~np.eye(16, dtype=bool)].min())


NETWORK_LATEX = (
    r"W_h=\begin{bmatrix}1&-1&0&-1\\-1&1&0&-1\\-1&-1&0&1\\1&1&0&1\\1&0&-1&-1\\-1&0&1&-1\\"
    r"-1&0&-1&1\\1&0&1&1\\0&1&-1&-1\\0&-1&1&-1\\0&-1&-1&1\\0&1&1&1\end{bmatrix},\ "
    r"B_h=-\tfrac12\text{ except }-\tfrac52\text{ on rows }4,8,12;\ "
    r"W_o=I_3\otimes[1\,1\,1\,1],\ B_o=-\tfrac12\mathbf 1")

PROBLEM = Problem(
    id="hamming-code-network",
    title="A threshold network that generates Hamming(7,4) parity bits",
    source=Source("002_a2d52afd229cfba6.txt", "1"),
    statement=(
        r"Design a neural network with 4 inputs $D_1..D_4$ and 3 outputs that generates the "
        r"Hamming code parity bits $P_1=D_1\oplus D_2\oplus D_4$, $P_2=D_1\oplus D_3\oplus D_4$, "
        r"$P_3=D_2\oplus D_3\oplus D_4$; give every weight. Units are hard thresholds "
        r"($\sigma$ read as the step $\mathbb 1[z>0]$, as the seed's $\pm\frac12$ biases intend)."
    ),
    givens=(),
    parts=(
        Equation(
            name="parity-sop",
            asks=r"Sum-of-products form of each parity bit (the K-maps), on all 16 inputs",
            form="sum of products",
            lhs=lambda: parity_table(PARITY_INPUTS),
            rhs=lambda: sop_table(PARITY_INPUTS),
            answer_inputs={f"D_{i + 1}": ALL_INPUTS[i] for i in range(4)},
            answer_latex=(r"H_1=D_1\bar D_2\bar D_4\vee\bar D_1D_2\bar D_4\vee\bar D_1\bar D_2D_4"
                          r"\vee D_1D_2D_4,\ H_2,H_3\text{ likewise over }(D_1,D_3,D_4),"
                          r"(D_2,D_3,D_4)"),
            derivation=(
                r"D_1\oplus D_2\oplus D_4 &= 1 \iff \text{an odd number of } D_1,D_2,D_4 \text{ "
                r"equal } 1",
                r"&\Rightarrow \text{minterms } 100,\ 010,\ 001,\ 111 \text{ of } (D_1,D_2,D_4)",
                r"H_1 &= D_1\bar D_2\bar D_4\vee\bar D_1D_2\bar D_4\vee\bar D_1\bar D_2D_4\vee "
                r"D_1D_2D_4",
            ),
            notes="Column j of both 3 x 16 tables is the input whose bits D1..D4 spell j.",
            claim=Claim(r"H1 = (D1 ∧ ¬D2 ∧ ¬D4) ∨ (¬D1 ∧ D2 ∧ ¬D4) ∨ (¬D1 ∧ ¬D2 ∧ D4) ∨ "
                        r"(D1 ∧ D2 ∧ D4); H2 over D1, D3, D4; H3 over D2, D3, D4 (and the "
                        r"three K-maps)", lambda: sop_table(PARITY_INPUTS), section="1"),
            wrong=(Wrong("H1 over D1, D2, D3 (D3 for D4)",
                         lambda: sop_table(((0, 1, 2), (0, 2, 3), (1, 2, 3)))),),
        ),
        Equation(
            name="code-distance",
            asks=r"Minimum distance of the code $(D_1..D_4,P_1,P_2,P_3)$: a Hamming code "
                 r"corrects one error, so it must be 3",
            lhs=lambda: 3,
            rhs=lambda: min_distance(PARITY_INPUTS),
            answer_latex=r"d_{\min}=3",
            derivation=(
                r"d_{\min} &= \min_{D\neq0}\operatorname{wt}(D,P)\quad\text{(the code is linear)}",
                r"\operatorname{wt}(D)=1 &\Rightarrow \text{each } D_i \text{ enters} \ge 2 "
                r"\text{ parities, so } \operatorname{wt}\ge3",
                r"\operatorname{wt}(D)=2 &\Rightarrow \text{parity columns } 110,101,011,111 "
                r"\text{ differ, so } \operatorname{wt}\ge3",
                r"D=1000 &\Rightarrow P=(1,1,0),\ \operatorname{wt}=3 \;\Rightarrow\; d_{\min}=3",
            ),
            claim=Claim(r"P_1 = D_1 \oplus D_2 \oplus D_4,\ P_2 = D_1 \oplus D_3 \oplus D_4,\ "
                        r"P_3 = D_2 \oplus D_3 \oplus D_4", lambda: min_distance(PARITY_INPUTS),
                        section="1"),
            wrong=(Wrong("P3 = D2 xor D3 (D4 dropped)",
                         lambda: min_distance(((0, 1, 3), (0, 2, 3), (1, 2)))),),
        ),
        Equation(
            name="network",
            asks=r"Weights of a 4-12-3 threshold network whose outputs are $P_1,P_2,P_3$ on all "
                 r"16 inputs",
            lhs=lambda: parity_table(PARITY_INPUTS),
            rhs=designed_net,
            answer_latex=NETWORK_LATEX,
            answer_reader=AnswerReader(threshold_net, (("W_h", (12, 4)), ("B_h", (12, 1)),
                                                       ("W_o", (3, 12)), ("B_o", (3, 1)))),
            derivation=(
                r"\text{minterm } a\bar b\bar c &: (1,-1,-1)\cdot(a,b,c)\le1, \text{ with } =1 "
                r"\text{ only at } 100 \Rightarrow b=-\tfrac12",
                r"\text{minterm } abc &: (1,1,1)\cdot(a,b,c)=3 \text{ only at } 111, =2 \text{ at "
                r"} 110 \Rightarrow b=-\tfrac52",
                r"P_k &= \mathbb 1\big[\textstyle\sum_{r=4k-3}^{4k}H_r-\tfrac12>0\big]\quad "
                r"\text{(OR of its four minterms)}",
            ),
            notes=("lhs: the parity bits by arithmetic mod 2; rhs: the network run on all 16 "
                   "inputs (column j = input with bits D1..D4 spelling j; row = output P1..P3). "
                   "The seed's W_o is 3 x 4 while H has 12 units: it is read as each output "
                   "summing its own 4 hidden units (rows 1-4, 5-8, 9-12)."),
            claim=Claim(
                r"W_h = [[1,-1,-1,0],[-1,1,-1,0],[-1,-1,1,0],[1,1,1,0],[1,0,-1,-1],[-1,0,1,-1],"
                r"[-1,0,-1,1],[1,0,1,1],[0,1,-1,-1],[0,-1,1,-1],[0,-1,-1,1],[0,1,1,1]], "
                r"B_h = -0.5 (all 12), W_o = [[1,1,1,1]]*3, B_o = -0.5; H = σ(W_h D + B_h), "
                r"O = σ(W_o H + B_o)", seed_net, section="1"),
            wrong=(Wrong("the seed's weights", seed_net),
                   Wrong("three-input AND with bias -0.5 (fires on any input)",
                         lambda: threshold_net(*hidden_layer(PARITY_INPUTS, and_bias=-0.5),
                                               grouped(ONES_3X4), OUT_BIAS)),
                   Wrong("P1 group reads D3 instead of D4",
                         lambda: threshold_net(*hidden_layer(((0, 1, 2), (0, 2, 3), (1, 2, 3)),
                                                             and_bias=-2.5),
                                               grouped(ONES_3X4), OUT_BIAS))),
        ),
    ),
)
