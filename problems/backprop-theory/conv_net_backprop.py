"""Seed 002 §8: backpropagation through conv (tanh) -> dense (sigmoid) -> dense, d loss / d w_1."""

from derivekit.model import Claim, Derivative, Given, Problem, Source, Wrong

LOSS = "(y_star - y)^2"
SEED_X = "(x[0, 0] + x[1, 0])"
"""The seed's scalar x_11 + x_21 where the column [x_11; x_21] belongs."""
SEED_DLOSS = f"2 * (y_star - y) * {SEED_X} * sum(v3 @ diag(1 - z2) @ v2 @ (1 - z1^2))"
"""The seed's product, read in the one order whose shapes compose: sigma' replaced by
1 - sigma and the column [x_11; x_21] by the scalar x_11 + x_21."""


PROBLEM = Problem(
    id="conv-net-backprop-w1",
    title="Backpropagation through a small conv-tanh, sigmoid, linear network",
    source=Source("002_a2d52afd229cfba6.txt", "8"),
    statement=(
        r"Input $x=\begin{bmatrix}x_{11}&x_{12}\\x_{21}&x_{22}\end{bmatrix}$; layer 1 "
        r"$z_1=\tanh(x*v_1)$ with filter $v_1=[w_1\ w_2]$ (so $z_1=\tanh([w_1x_{11}+w_2x_{12};"
        r"\ w_1x_{21}+w_2x_{22}])$); layer 2 $z_2=\sigma(V_2z_1)$, $V_2\in\mathbb R^{2\times2}$; "
        r"layer 3 $y^*=V_3z_2$, $V_3=[w_5\ w_6]$. Using backpropagation, find "
        r"$\partial(y^*-y)^2/\partial w_1$ and the local derivatives of the chain."
    ),
    givens=(
        Given("x", (2, 2), latex="x"),
        Given("w1", (), latex="w_1"),
        Given("w2", (), latex="w_2"),
        Given("v2", (2, 2), latex="V_2"),
        Given("v3", (1, 2), latex="V_3"),
        Given("y", (), latex="y"),
        Given("a1", (2, 1), latex="a_1", definition="w1 * x[:, 0] + w2 * x[:, 1]"),
        Given("z1", (2, 1), latex="z_1", definition="tanh(a1)"),
        Given("z2", (2, 1), latex="z_2", definition="sigmoid(v2 @ z1)"),
        Given("y_star", (), latex="y^*", definition="sum(v3 @ z2)"),
    ),
    parts=(
        Derivative(
            name="dloss-dy",
            derivation=(
                r"\frac{\partial (y^*-y)^2}{\partial y^*} &= 2(y^*-y)\, \frac{\partial "
                r"(y^*-y)}{\partial y^*} = 2(y^*-y)",
            ),
            asks=r"$\partial (y^*-y)^2/\partial y^*$",
            expression=LOSS, wrt="y_star",
            answer_latex=r"2(y^*-y)",
            claim=Claim(r"\frac{\partial \text{Loss}}{\partial y^*} = 2(y^* - y)",
                        "2 * (y_star - y)", section="8 step 1"),
            wrong=(Wrong("y - y*", "2 * (y - y_star)"),),
        ),
        Derivative(
            name="dy-dz2",
            derivation=(
                r"y^* &= V_3z_2 = w_5z_{2,1}+w_6z_{2,2}",
                r"\frac{\partial y^*}{\partial z_2} &= \begin{bmatrix}w_5\\w_6\end{bmatrix} = "
                r"V_3^T",
            ),
            asks=r"$\partial y^*/\partial z_2$ (denominator layout: a column)",
            expression="y_star", wrt="z2",
            answer_latex=r"V_3^T",
            claim=Claim(r"\frac{\partial y^*}{\partial z_2} = V_3^T", "v3.T", section="8 step 2"),
            wrong=(Wrong("z_2", "z2"),),
        ),
        Derivative(
            name="dz2-dz1",
            derivation=(
                r"a_2 &= V_2z_1,\quad z_{2,j} = \sigma(a_{2,j}),\quad \sigma'(a) = "
                r"\sigma(a)(1-\sigma(a))",
                r"\frac{\partial z_{2,j}}{\partial z_{1,i}} &= \sigma'(a_{2,j})\,(V_2)_{ji} "
                r"\quad\text{(row } i\text{, column } j)",
                r"\frac{\partial z_2}{\partial z_1} &= "
                r"V_2^T\operatorname{diag}\big(\sigma(V_2z_1)\odot (1-\sigma(V_2z_1))\big)",
            ),
            asks=r"$\partial z_2/\partial z_1$ for $z_2=\sigma(V_2z_1)$ (denominator layout)",
            expression="z2", wrt="z1",
            answer_latex=r"V_2^T\operatorname{diag}\big(\sigma(V_2z_1)\odot(1-\sigma(V_2z_1))\big)",
            claim=Claim(r"\frac{\partial z_2}{\partial z_1} = V_2^T (1 - \sigma(V_2 z_1)),\quad "
                        r"\sigma'(x) = \sigma(x)(1 - \sigma(x))",
                        "v2.T @ diag(1 - sigmoid(v2 @ z1))", section="8 step 3"),
            notes="The seed states sigma' = sigma(1 - sigma) but writes only the factor 1 - sigma.",
            wrong=(Wrong("sigma' replaced by 1 - sigma (the seed)",
                         "v2.T @ diag(1 - sigmoid(v2 @ z1))"),
                   Wrong("diag dropped: V_2^T alone", "v2.T")),
        ),
        Derivative(
            name="dconv-dw1",
            derivation=(
                r"x*v_1 &= \begin{bmatrix}w_1x_{11}+w_2x_{12}\\w_1x_{21}+w_2x_{22}\end{bmatrix}",
                r"\frac{\partial (x*v_1)}{\partial w_1} &= "
                r"\begin{bmatrix}x_{11}\\x_{21}\end{bmatrix}",
            ),
            asks=r"$\partial(x*v_1)/\partial w_1$ (numerator layout: a column)",
            expression="a1", wrt="w1", layout="numerator",
            answer_latex=r"\begin{bmatrix}x_{11}\\x_{21}\end{bmatrix}",
            claim=Claim(r"\frac{\partial (x * v_1)}{\partial w_1} = \begin{bmatrix} x_{11} \\ "
                        r"x_{21} \end{bmatrix}", "x[:, 0]", section="8 step 4"),
            wrong=(Wrong("the first row [x_11; x_12]", "x[0].T"),),
        ),
        Derivative(
            name="dz1-dw1",
            derivation=(
                r"z_{1,i} &= \tanh(a_{1,i}),\quad a_{1,i} = w_1x_{i1}+w_2x_{i2}",
                r"\frac{\partial z_{1,i}}{\partial w_1} &= \tanh'(a_{1,i})\, \frac{\partial "
                r"a_{1,i}}{\partial w_1} = \big(1-\tanh^2(a_{1,i})\big)\,x_{i1} \quad\text{(one } "
                r"x_{i1}\text{ per entry)}",
            ),
            asks=r"$\partial z_1/\partial w_1$ (numerator layout: a column)",
            expression="z1", wrt="w1", layout="numerator",
            answer_latex=r"\begin{bmatrix}(1-\tanh^2(w_1x_{11}+w_2x_{12}))\,x_{11}\\"
                         r"(1-\tanh^2(w_1x_{21}+w_2x_{22}))\,x_{21}\end{bmatrix}",
            claim=Claim(r"\frac{\partial z_1}{\partial w_1} = \begin{bmatrix} (1 - \tanh^2(w_1 "
                        r"x_{11} + w_2 x_{12})) \\ (1 - \tanh^2(w_1 x_{21} + w_2 x_{22})) "
                        r"\end{bmatrix} (x_{11} + x_{21})", f"(1 - z1^2) * {SEED_X}",
                        section="8 step 4"),
            notes="Each entry of z_1 reads one row of x: entry i gets x_i1, not the sum over i.",
            wrong=(Wrong("summed x_11 + x_21 (the seed)", f"(1 - z1^2) * {SEED_X}"),
                   Wrong("tanh' dropped", "x[:, 0]")),
        ),
        Derivative(
            name="dloss-dw1",
            derivation=(
                r"\delta_y &= \frac{\partial L}{\partial y^*} = 2(y^*-y),\qquad \nabla_{z_2}L = "
                r"\delta_y\,V_3^T",
                r"\delta_2 &= \nabla_{a_2}L = "
                r"\operatorname{diag}\big(z_2\odot(1-z_2)\big)\,\delta_yV_3^T, \qquad "
                r"\nabla_{z_1}L = V_2^T\delta_2",
                r"\delta_1 &= \nabla_{a_1}L = (1-z_1^2)\odot V_2^T\delta_2,\qquad a_1 = x*v_1",
                r"\frac{\partial L}{\partial w_1} &= "
                r"\delta_1^T\begin{bmatrix}x_{11}\\x_{21}\end{bmatrix} = "
                r"2(y^*-y)\,V_3\operatorname{diag}\big(z_2\odot(1-z_2)\big)V_2\, \frac{\partial "
                r"z_1}{\partial w_1}",
            ),
            asks=r"$\partial(y^*-y)^2/\partial w_1$",
            expression=LOSS, wrt="w1",
            answer_latex=(
                r"2(y^*-y)\,V_3\operatorname{diag}\big(z_2\odot(1-z_2)\big)V_2\begin{bmatrix}"
                r"(1-\tanh^2(w_1x_{11}+w_2x_{12}))\,x_{11}\\(1-\tanh^2(w_1x_{21}+w_2x_{22}))"
                r"\,x_{21}\end{bmatrix}"),
            claim=Claim(r"2(y^* - y) \cdot (x_{11} + x_{21}) \cdot V_3^T \cdot \begin{bmatrix} "
                        r"(1 - \tanh^2(w_1 x_{11} + w_2 x_{12})) \\ (1 - \tanh^2(w_1 x_{21} + "
                        r"w_2 x_{22})) \end{bmatrix} \cdot V_2^T \cdot (1 - \sigma(V_2 z_1))",
                        SEED_DLOSS, section="8"),
            notes="The seed's product does not compose as written (V_3^T is 2x1); it is judged in "
                  "the one order whose shapes compose, keeping its two substitutions.",
            wrong=(Wrong("the seed's 1 - sigma and x_11 + x_21", SEED_DLOSS),
                   Wrong("V_2^T instead of V_2 in numerator layout", "2 * (y_star - y) * sum(v3 @ "
                         "diag(z2 .* (1 - z2)) @ v2.T @ ((1 - z1^2) .* x[:, 0]))")),
        ),
    ),
)
