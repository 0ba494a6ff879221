"""Seed 002 §4: forward pass, backpropagation and one gradient step on a 2-2-1 sigmoid net."""

import numpy as np

from derivekit.model import UNIT, Claim, Derivative, Equation, Given, Problem, Source, Wrong
from derivekit.ops import scalar, sigmoid, vstack

W1_0 = np.array([[2.5, 1.0, 1.5], [-1.5, -0.3, 2.0]])
"""Rows h1, h2; columns x1, x2, bias (the seed's W_{h1x1}, W_{h1x2}, W_{h1b}, ...)."""
W2_0 = np.array([[1.0, 0.5, -1.0]])
"""Columns h1, h2, bias (W_{yh1}, W_{yh2}, W_{yb})."""
X_0 = np.array([[0.0], [1.0]])
Y_0 = 1.0
RATE = 0.1
LOSS = "(y - yhat)^2 / 2"
"""The seed's loss, implied by δ = ŷ(1 - ŷ)(y - ŷ)."""
DELTA_OUT = "yhat * (1 - yhat) * (y - yhat)"
"""δ_ŷ = ŷ(1 - ŷ)(y - ŷ)."""


def forward(W1, W2, x):
    h = sigmoid(W1 @ vstack(x, 1))
    return h, scalar(sigmoid(W2 @ vstack(h, 1)))


def deltas(W1, W2, x, y):
    """δ_ŷ = ŷ(1 - ŷ)(y - ŷ) and δ_h = h ⊙ (1 - h) ⊙ W_{yh}^T δ_ŷ (2 x 1)."""
    h, yhat = forward(W1, W2, x)
    d_out = yhat * (1 - yhat) * (y - yhat)
    return d_out, h * (1 - h) * W2[:, :2].T * d_out


def worked(quantity):
    """The seed's numbers: ``quantity`` computed at its point with explicit arithmetic."""
    h, yhat = forward(W1_0, W2_0, X_0)
    d_out, d_h = deltas(W1_0, W2_0, X_0, Y_0)
    values = {
        "forward": [h[0, 0], h[1, 0], yhat],
        "pre-activation": [scalar(W2_0 @ vstack(h, 1))],
        "deltas": [d_out, d_h[0, 0], d_h[1, 0]],
        "output-weights": list((W2_0 + RATE * d_out * vstack(h, 1).T).ravel()),
        "hidden-weights": list((W1_0 + RATE * d_h @ vstack(X_0, 1).T).ravel()),
    }[quantity]
    return np.array(values, dtype=float)


def rounded(quantity, places):
    return lambda: np.round(worked(quantity), places)


def numbers(*values):
    return lambda: np.array(values)


PROBLEM = Problem(
    id="two-layer-backprop-step",
    title="Backpropagation by hand: one step on a 2-2-1 sigmoid network",
    source=Source("002_a2d52afd229cfba6.txt", "4"),
    statement=(
        r"A network with sigmoid units $h=\sigma(W_1[x;1])$, $\hat y=\sigma(W_2[h;1])$ has "
        r"$W_1=\begin{bmatrix}2.5&1&1.5\\-1.5&-0.3&2\end{bmatrix}$ (columns $x_1,x_2$, bias) and "
        r"$W_2=(1,\ 0.5,\ -1)$ (columns $h_1,h_2$, bias). For $x=(0,1)$: compute $h_1,h_2,\hat y$; "
        r"backpropagate for $y=1$; update all 9 weights by one gradient step. Conventions of the "
        r"seed (unstated in the problem): $L=\tfrac12(y-\hat y)^2$, learning rate $\alpha=0.1$. "
        r"Numbers are compared rounded to the seed's 4 decimals."
    ),
    givens=(Given("W1", (2, 3), latex="W_1"), Given("W2", (1, 3), latex="W_2"),
            Given("x", (2, 1)), Given("y", (), UNIT),
            Given("h", (2, 1), definition="sigmoid(W1 @ [x; 1])"),
            Given("yhat", (1, 1), latex=r"\hat y", definition="sigmoid(W2 @ [h; 1])"),
            Given("delta_yhat", (1, 1), latex=r"\delta_{\hat y}", definition=DELTA_OUT),
            Given("delta_h", (2, 1), latex=r"\delta_h",
                  definition="h .* (1 - h) .* W2[:, 0:2].T * delta_yhat")),
    parts=(
        Derivative(
            name="grad-output-weights",
            asks=r"$\partial L/\partial W_2$ (the output-layer backprop rule)",
            expression=LOSS, wrt="W2",
            answer_latex=r"-\delta_{\hat y}\,[h;1]^T,\quad\delta_{\hat y}=\hat y(1-\hat y)(y-\hat y)",
            derivation=(
                r"z &= W_2[h;1],\quad \hat y=\sigma(z),\quad L=\tfrac12(y-\hat y)^2",
                r"\frac{\partial L}{\partial z} &= -(y-\hat y)\,\hat y(1-\hat y) = -\delta_{\hat "
                r"y}",
                r"\frac{\partial L}{\partial W_2} &= \frac{\partial L}{\partial z}\,[h;1]^T = "
                r"-\delta_{\hat y}\,[h;1]^T",
            ),
            claim=Claim(r"W^{new} = W + \alpha\,\delta_{\hat y}\,(h_1, h_2, 1),\ \delta_{\hat y} = "
                        r"\hat y(1-\hat y)(y-\hat y)\ \text{(so } \partial L/\partial W_2 = "
                        r"-\delta_{\hat y}[h;1]^T)", f"-{DELTA_OUT} * [h; 1].T",
                        section="4 part 2-3"),
            wrong=(Wrong("dropped σ'(z) = ŷ(1 - ŷ)", "-(y - yhat) * [h; 1].T"),),
        ),
        Derivative(
            name="grad-hidden-weights",
            asks=r"$\partial L/\partial W_1$ (the hidden-layer backprop rule)",
            expression=LOSS, wrt="W1",
            answer_latex=(r"-\delta_h[x;1]^T,\quad\delta_h=h\odot(1-h)\odot W_{2,1:2}^T\,"
                          r"\delta_{\hat y}"),
            derivation=(
                r"\frac{\partial L}{\partial h} &= W_{2,1:2}^T\,\frac{\partial L}{\partial z} = "
                r"-W_{2,1:2}^T\,\delta_{\hat y}",
                r"\frac{\partial L}{\partial a} &= h\odot(1-h)\odot\frac{\partial L}{\partial h} "
                r"= -\delta_h,\quad a=W_1[x;1]",
                r"\frac{\partial L}{\partial W_1} &= \frac{\partial L}{\partial a}\,[x;1]^T = "
                r"-\delta_h\,[x;1]^T",
            ),
            claim=Claim(r"\delta_{h_i} = h_i(1-h_i)W_{y h_i}\delta_{\hat y},\ W^{new} = W + "
                        r"\alpha\,\delta_{h}\,(x_1, x_2, 1)",
                        f"-(h .* (1 - h) .* W2[:, 0:2].T * {DELTA_OUT}) @ [x; 1].T",
                        section="4 part 2-3"),
            wrong=(Wrong("dropped h(1 - h)", f"-(W2[:, 0:2].T * {DELTA_OUT}) @ [x; 1].T"),),
        ),
        Equation(
            name="forward-values",
            asks=r"$h_1,h_2,\hat y$ for $x=(0,1)$, to 4 decimals",
            lhs=rounded("forward", 4),
            rhs=numbers(0.9241, 0.8455, 0.5859),
            answer_latex=(r"h_1=\sigma(2.5)\approx0.9241,\ h_2=\sigma(1.7)\approx0.8455,\ "
                          r"\hat y=\sigma(h_1+\tfrac12h_2-1)\approx0.5859"),
            derivation=(
                r"a &= W_1[0;1;1] = (1+1.5,\ -0.3+2) = (2.5,\ 1.7)",
                r"h &= \big(\sigma(2.5),\ \sigma(1.7)\big) \approx (0.9241,\ 0.8455)",
                r"\hat y &= \sigma(0.9241+0.5\cdot0.8455-1) = \sigma(0.3469) \approx 0.5859",
            ),
            claim=Claim(r"h_1 \approx 0.9241,\ h_2 \approx 0.8455,\ \hat y \approx 0.5859",
                        numbers(0.9241, 0.8455, 0.5859), section="4 part 1"),
            wrong=(Wrong("bias weight of h2 dropped: h2 = σ(-0.3)",
                         numbers(0.9241, 0.4256, 0.5859)),),
        ),
        Equation(
            name="output-pre-activation",
            asks=r"$z=h_1+\tfrac12h_2-1$, to 5 decimals (the seed's precision)",
            lhs=rounded("pre-activation", 5),
            rhs=numbers(0.34691),
            answer_latex=r"z=\sigma(2.5)+\tfrac12\sigma(1.7)-1\approx0.34691",
            derivation=(
                r"z &= 1\cdot\sigma(2.5)+0.5\cdot\sigma(1.7)-1 = 0.924142+0.422767-1",
                r"&= 0.346909 \approx 0.34691",
            ),
            notes="The seed multiplied the 4-decimal h's, which moves the 5th decimal.",
            claim=Claim(r"\sigma(1 \cdot 0.9241 + 0.5 \cdot 0.8455 + (-1) \cdot 1) = "
                        r"\sigma(0.34685)", numbers(0.34685), section="4 part 1"),
            wrong=(Wrong("computed from h rounded to 4 decimals", numbers(0.34685)),),
        ),
        Equation(
            name="deltas",
            asks=r"$\delta_{\hat y},\delta_{h_1},\delta_{h_2}$ for $y=1$, to 4 decimals",
            lhs=rounded("deltas", 4),
            rhs=numbers(0.1005, 0.0070, 0.0066),
            answer_latex=(r"\delta_{\hat y}=\hat y(1-\hat y)^2\approx0.1005,\ "
                          r"\delta_{h_1}\approx0.0070,\ \delta_{h_2}\approx0.0066"),
            derivation=(
                r"\delta_{\hat y} &= \hat y(1-\hat y)(y-\hat y) = 0.5859\cdot0.4141^2 \approx "
                r"0.1005",
                r"\delta_{h_1} &= h_1(1-h_1)W_{yh_1}\delta_{\hat y} = 0.0701\cdot1\cdot0.1005 "
                r"\approx 0.0070",
                r"\delta_{h_2} &= h_2(1-h_2)W_{yh_2}\delta_{\hat y} = 0.1306\cdot0.5\cdot0.1005 "
                r"\approx 0.0066",
            ),
            claim=Claim(r"\delta_{\hat y} = 0.5859(1 - 0.5859)(1 - 0.5859) \approx 0.0993,\ "
                        r"\delta_{h_1} \approx 0.0069,\ \delta_{h_2} \approx 0.0065",
                        numbers(0.0993, 0.0069, 0.0065), section="4 part 2"),
            wrong=(Wrong("the seed's δ's (0.5859 · 0.4141² is 0.1005, not 0.0993)",
                         numbers(0.0993, 0.0069, 0.0065)),),
        ),
        Equation(
            name="updated-output-weights",
            asks=r"$W_{yh_1},W_{yh_2},W_{yb}$ after one step ($\alpha=0.1$), to 4 decimals",
            lhs=rounded("output-weights", 4),
            rhs=numbers(1.0093, 0.5085, -0.9900),
            answer_latex=r"(1.0093,\ 0.5085,\ -0.9900)",
            derivation=(
                r"W_2^{new} &= W_2+\alpha\,\delta_{\hat y}\,[h;1]^T,\quad \alpha\delta_{\hat "
                r"y}=0.010048",
                r"&= (1+0.0093,\ 0.5+0.0085,\ -1+0.0100) = (1.0093,\ 0.5085,\ -0.9900)",
            ),
            claim=Claim(r"W_{yh_1}^{new} \approx 1.0092,\ W_{yh_2}^{new} \approx 0.5084,\ "
                        r"W_{yb}^{new} \approx -0.9901", numbers(1.0092, 0.5084, -0.9901),
                        section="4 part 3"),
            wrong=(Wrong("gradient ascent sign (W - αδ h)", numbers(0.9907, 0.4915, -1.0100)),),
        ),
        Equation(
            name="updated-hidden-weights",
            asks=r"$W_{h_1x_1},W_{h_1x_2},W_{h_1b},W_{h_2x_1},W_{h_2x_2},W_{h_2b}$ after one "
                 r"step, to 4 decimals",
            lhs=rounded("hidden-weights", 4),
            rhs=numbers(2.5, 1.0007, 1.5007, -1.5, -0.2993, 2.0007),
            answer_latex=r"(2.5,\ 1.0007,\ 1.5007,\ -1.5,\ -0.2993,\ 2.0007)",
            derivation=(
                r"W_1^{new} &= W_1+\alpha\,\delta_h\,[x;1]^T,\quad [x;1]=(0,1,1)",
                r"\alpha\delta_h &= (0.000704,\ 0.000656):\ \text{the } x_2 \text{ and bias "
                r"columns move, } x_1 \text{ does not}",
                r"&\Rightarrow (2.5,\ 1.0007,\ 1.5007,\ -1.5,\ -0.2993,\ 2.0007)",
            ),
            claim=Claim(r"2.5,\ 1.0007,\ 1.5007,\ -1.5,\ -0.2994,\ 2.0007",
                        numbers(2.5, 1.0007, 1.5007, -1.5, -0.2994, 2.0007),
                        section="4 part 3"),
            wrong=(Wrong("x1 = 0 weights also moved (δ instead of δ·x)",
                         numbers(2.5007, 1.0007, 1.5007, -1.4993, -0.2993, 2.0007)),),
        ),
    ),
)
