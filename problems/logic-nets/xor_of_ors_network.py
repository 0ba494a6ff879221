"""Seed 002 §2: threshold networks for (A ∨ ¬B) ⊕ (¬C ∨ ¬D)."""

import numpy as np

from derivekit.model import Claim, Equation, Problem, Source, Wrong
from derivekit.ops import step

A, B, C, D = np.array([[(j >> (3 - bit)) & 1 for j in range(16)] for bit in range(4)])
"""Column j of every 16-entry table is the input whose bits A B C D spell j (A first)."""
INPUTS = np.vstack([A, B, C, D])
PQ = np.array([[0, 0, 1, 1], [0, 1, 0, 1]])
"""The four (P, Q) combinations, as columns."""


def OR(*terms):
    miss = 1
    for t in terms:
        miss = miss * (1 - t)
    return 1 - miss


def P_and_Q():
    """P = A ∨ ¬B and Q = ¬C ∨ ¬D by arithmetic (NOT = 1 - x), 2 x 16."""
    return np.vstack([OR(A, 1 - B), OR(1 - C, 1 - D)])


def target():
    """(A ∨ ¬B) ⊕ (¬C ∨ ¬D) with p ⊕ q = p + q - 2pq, 1 x 16."""
    p, q = P_and_Q()
    return (p + q - 2 * p * q).reshape(1, 16)


def sop():
    """The seed's sum of products ACD ∨ ¬B CD ∨ ¬A B ¬C ∨ ¬A B ¬D (AND = product)."""
    return OR(A * C * D, (1 - B) * C * D, (1 - A) * B * (1 - C), (1 - A) * B * (1 - D)).reshape(
        1, 16)


def layer(weights, biases, x):
    """Threshold units: step(W x + b) (σ read as the step 1[z > 0])."""
    return step(np.array(weights) @ x + np.array(biases).reshape(-1, 1)) + 0  # no -0.0


HIDDEN_WEIGHTS = ((1, 0, 1, 1), (0, -1, 1, 1), (-1, 1, -1, 0), (-1, 1, 0, -1))


def sop_net(biases):
    """4 AND units (one per product term), then OR with weights 1 and bias -1/2."""
    return layer(((1, 1, 1, 1),), (-0.5,), layer(HIDDEN_WEIGHTS, biases, INPUTS))


def and_table():
    """¬P ∧ Q and P ∧ ¬Q on the four (P, Q) combinations, 2 x 4."""
    p, q = PQ
    return np.vstack([(1 - p) * q, p * (1 - q)])


PROBLEM = Problem(
    id="xor-of-ors-network",
    title="A one-hidden-layer network for (A ∨ ¬B) ⊕ (¬C ∨ ¬D)",
    source=Source("002_a2d52afd229cfba6.txt", "2"),
    statement=(
        r"Design a network with one hidden layer of threshold units ($\sigma$ read as the step "
        r"$\mathbb 1[z>0]$, as the seed's $\pm\frac12$ biases intend) that computes "
        r"$(A\vee\bar B)\oplus(\bar C\vee\bar D)$ on $\{0,1\}^4$, and give all its weights. "
        r"Every table below runs over all 16 inputs; column $j$ is the input whose bits "
        r"$A,B,C,D$ spell $j$."
    ),
    givens=(),
    parts=(
        Equation(
            name="sum-of-products",
            asks=r"A sum-of-products form of $(A\vee\bar B)\oplus(\bar C\vee\bar D)$",
            form="sum of products",
            lhs=target,
            rhs=sop,
            answer_latex=r"ACD\vee\bar BCD\vee\bar AB\bar C\vee\bar AB\bar D",
            answer_inputs={"A": A, "B": B, "C": C, "D": D},
            derivation=(
                r"P\oplus Q &= P\bar Q\vee\bar PQ,\quad P=A\vee\bar B,\ Q=\bar C\vee\bar D",
                r"\bar Q &= CD,\quad \bar P=\bar AB\quad\text{(De Morgan)}",
                r"P\bar Q &= ACD\vee\bar BCD,\quad \bar PQ=\bar AB\bar C\vee\bar AB\bar D",
            ),
            claim=Claim(r"(A \wedge C \wedge D) \vee (\neg B \wedge C \wedge D) \vee (\neg A "
                        r"\wedge B \wedge \neg C) \vee (\neg A \wedge B \wedge \neg D)", sop,
                        section="2"),
            wrong=(Wrong("De Morgan slip: ¬(A ∨ ¬B) read as ¬A ∧ ¬B",
                         lambda: OR(A * C * D, (1 - B) * C * D, (1 - A) * (1 - B) * (1 - C),
                                    (1 - A) * (1 - B) * (1 - D)).reshape(1, 16)),),
        ),
        Equation(
            name="sop-network",
            asks=r"Weights of the 4-4-1 network: hidden units $ACD$, $\bar BCD$, $\bar AB\bar C$, "
                 r"$\bar AB\bar D$, output their OR",
            lhs=target,
            rhs=lambda: sop_net((-2.5, -1.5, -0.5, -0.5)),
            answer_latex=(r"w_{H1}=(1,0,1,1),b_{H1}=-2.5;\ w_{H2}=(0,-1,1,1),b_{H2}=-1.5;\ "
                          r"w_{H3}=(-1,1,-1,0),b_{H3}=-0.5;\ w_{H4}=(-1,1,0,-1),b_{H4}=-0.5;\ "
                          r"w_O=(1,1,1,1),b_O=-0.5"),
            derivation=(
                r"\text{AND of } k \text{ literals, } u \text{ negated} &: \mathbf w\cdot\mathbf "
                r"x\le k-u, \text{ with equality only on the term}",
                r"\Rightarrow b &= -(k-u)+\tfrac12:\quad ACD\ (u=0)\to-2.5,\quad \bar BCD\ "
                r"(u=1)\to-1.5",
                r"\bar AB\bar C,\ \bar AB\bar D\ (u=2) &\to -0.5;\qquad \text{OR: } "
                r"w_O=(1,1,1,1),\ b_O=-\tfrac12",
            ),
            notes="A unit fires when its weighted sum exceeds -b: an AND of k literals of "
                  "which u are negated needs b between -(k-u) and -(k-u-1), e.g. -(k-u) + 1/2.",
            claim=Claim(r"H1: w=(1,·,1,1), b=-2.5; H2: w=(·,-1,1,1), b=-1.5; H3: w=(-1,1,-1,·), "
                        r"b=-1.5; H4: w=(-1,1,·,-1), b=-1.5; output w=(1,1,1,1), b=-0.5",
                        lambda: sop_net((-2.5, -1.5, -1.5, -1.5)), section="2"),
            wrong=(Wrong("the seed's biases (H3, H4 never fire)",
                         lambda: sop_net((-2.5, -1.5, -1.5, -1.5))),
                   Wrong("every AND bias -2.5", lambda: sop_net((-2.5, -2.5, -2.5, -2.5)))),
        ),
        Equation(
            name="first-layer",
            asks=r"Units for $P=A\vee\bar B$ and $Q=\bar C\vee\bar D$ (the seed's two-layer "
                 r"table), rows $P,Q$",
            lhs=P_and_Q,
            rhs=lambda: layer(((1, -1, 0, 0), (0, 0, -1, -1)), (0.5, 1.5), INPUTS),
            answer_latex=r"w_P=(1,-1,0,0),\ b_P=0.5;\ w_Q=(0,0,-1,-1),\ b_Q=1.5",
            derivation=(
                r"P=A\vee\bar B &: A-B\in\{-1,0,1\},\ P=0 \text{ only at } A-B=-1 \Rightarrow "
                r"b_P=\tfrac12",
                r"Q=\bar C\vee\bar D &: -C-D\in\{0,-1,-2\},\ Q=0 \text{ only at } -C-D=-2 "
                r"\Rightarrow b_Q=\tfrac32",
            ),
            claim=Claim(r"w_{P1}=1, w_{P2}=-1, b_P=0.5; w_{Q1}=-1, w_{Q2}=-1, b_Q=0.5 (sigmoid)",
                        lambda: layer(((1, -1, 0, 0), (0, 0, -1, -1)), (0.5, 0.5), INPUTS),
                        section="2"),
            wrong=(Wrong("b_Q = 0.5: the unit computes ¬C ∧ ¬D",
                         lambda: layer(((1, -1, 0, 0), (0, 0, -1, -1)), (0.5, 0.5), INPUTS)),),
        ),
        Equation(
            name="xor-layer",
            asks=r"Units for $\bar P\wedge Q$ and $P\wedge\bar Q$ on the four $(P,Q)$ pairs",
            lhs=and_table,
            rhs=lambda: layer(((-1, 1), (1, -1)), (-0.5, -0.5), PQ),
            answer_latex=r"w_{\bar PQ}=(-1,1),\ b=-0.5;\ w_{P\bar Q}=(1,-1),\ b=-0.5",
            derivation=(
                r"\bar P\wedge Q &: -P+Q\in\{-1,0,1\},\ =1 \text{ only at } (P,Q)=(0,1) "
                r"\Rightarrow b=-\tfrac12",
                r"P\wedge\bar Q &: P-Q=1 \text{ only at } (P,Q)=(1,0) \Rightarrow b=-\tfrac12",
            ),
            claim=Claim(r"w_{\neg P,Q}=(-1,1), b=-0.5; w_{P,\neg Q}=(1,-1), b=-0.5 (sigmoid)",
                        lambda: layer(((-1, 1), (1, -1)), (-0.5, -0.5), PQ), section="2"),
            wrong=(Wrong("bias +0.5 (fires on P = Q = 0 too)",
                         lambda: layer(((-1, 1), (1, -1)), (0.5, 0.5), PQ)),),
        ),
    ),
    prose=(
        Claim(r"Hidden Layer 1: 2 neurons (T_1, T_2); Hidden Layer 2: 2 neurons (W_1, W_2); "
              r"Output Layer: 1 neuron (T)", section="2",
              reason="an architecture, not a value: it has two hidden layers where the problem "
                     "asks for one; the seed's second design (part sop-network) has one"),
        Claim(r"Output Layer: 1 neuron (T) combining $\neg P\wedge Q$ and $P\wedge\neg Q$ "
              r"(two-hidden-layer design)",
              reason="the seed gives no weights for this output neuron, so there is nothing to "
                     "evaluate; an OR with weights (1, 1) and bias -1/2 would do", section="2"),
    ),
)
