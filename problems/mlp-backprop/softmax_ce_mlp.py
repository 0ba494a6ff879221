"""Seed 003 Problem 1: backpropagation through a ReLU MLP with softmax + cross-entropy."""

from derivekit.model import SIMPLEX, Claim, Derivative, Equation, Given, Problem, Source, Wrong
from derivekit.ops import softmax, step, total

L = "-sum(y .* log(softmax(a)))"
"""CrossEntropy(y, S(a)), in the statement's names (z, h, a are defined below)."""
U1 = "(V.T @ (softmax(a) - y)) .* step(z)"
"""u₁ = ∇_z L = (Vᵀu₂) ⊙ H(z) with u₂ = p - y, p = S(a)."""
UNMASKED_U1 = "V.T @ (softmax(a) - y)"


PROBLEM = Problem(
    id="mlp-softmax-ce-backprop",
    title="Backpropagation for a ReLU MLP with softmax cross-entropy",
    source=Source("003_e61c9815763fc135.txt", "Problem 1"),
    statement=(
        r"$\mathbf{x}\in\mathbb{R}^D$, $\mathbf{z}=\mathbf{W}\mathbf{x}+\mathbf{b}_1\in"
        r"\mathbb{R}^K$, $\mathbf{h}=\mathrm{ReLU}(\mathbf{z})$, $\mathbf{a}=\mathbf{V}\mathbf{h}"
        r"+\mathbf{b}_2\in\mathbb{R}^C$, $\mathcal{L}=\mathrm{CrossEntropy}(\mathbf{y},"
        r"\mathcal{S}(\mathbf{a}))=-\sum_c y_c\log\mathcal{S}(\mathbf{a})_c$ with $\sum_c y_c=1$. "
        r"Find the gradients (shape of the variable, i.e. denominator layout) of $\mathcal{L}$ "
        r"with respect to $\mathbf{a}$, $\mathbf{z}$, $\mathbf{V}$, $\mathbf{b}_2$, "
        r"$\mathbf{W}$, $\mathbf{b}_1$ and $\mathbf{x}$, and $\partial\mathcal{L}/\partial"
        r"\mathbf{x}$ in numerator layout (a row)."
    ),
    givens=(
        Given("x", ("D", 1), latex=r"\mathbf{x}"),
        Given("W", ("K", "D"), latex=r"\mathbf{W}"),
        Given("b1", ("K", 1), latex=r"\mathbf{b}_1"),
        Given("V", ("C", "K"), latex=r"\mathbf{V}"),
        Given("b2", ("C", 1), latex=r"\mathbf{b}_2"),
        Given("y", ("C", 1), SIMPLEX, r"\mathbf{y}", "target distribution (one-hot in practice)"),
        Given("z", ("K", 1), latex=r"\mathbf{z}", definition="W @ x + b1"),
        Given("h", ("K", 1), latex=r"\mathbf{h}", definition="relu(z)"),
        Given("a", ("C", 1), latex=r"\mathbf{a}", definition="V @ h + b2"),
        Given("p", ("C", 1), latex=r"\mathbf{p}", definition="softmax(a)"),
        Given("u2", ("C", 1), latex=r"\mathbf{u}_2", definition="p - y"),
        Given("u1", ("K", 1), latex=r"\mathbf{u}_1", definition="(V.T @ u2) .* step(z)"),
    ),
    shapes=({"D": 2, "K": 3, "C": 2}, {"D": 1, "K": 2, "C": 3}, {"D": 3, "K": 2, "C": 2}),
    parts=(
        Derivative(
            name="grad-a",
            derivation=(
                r"\mathcal{L} &= -\textstyle\sum_c y_c a_c + \log\sum_k "
                r"e^{a_k}\quad(\textstyle\sum_c y_c=1)",
                r"\frac{\partial\mathcal{L}}{\partial a_c} &= -y_c + \frac{e^{a_c}}{\sum_k "
                r"e^{a_k}} = p_c - y_c",
            ),
            asks=r"$\mathbf{u}_2=\nabla_{\mathbf{a}}\mathcal{L}$",
            expression=L, wrt="a",
            answer_latex=r"\mathbf{p}-\mathbf{y}\quad(\mathbf{p}=\mathcal{S}(\mathbf{a}))",
            claim=Claim(r"\mathbf{u}_2=\nabla_{\mathbf{a}}\mathcal{L}=(\mathbf{p}-\mathbf{y})"
                        r"\in\mathbb{R}^C", "softmax(a) - y", section="P1"),
            wrong=(Wrong("-y/p (gradient with respect to p, not a)", "-y ./ softmax(a)"),),
        ),
        Derivative(
            name="grad-z",
            derivation=(
                r"\frac{\partial\mathcal{L}}{\partial\mathbf{h}} &= "
                r"\mathbf{V}^T\mathbf{u}_2\quad(\mathbf{a}=\mathbf{V}\mathbf{h}+\mathbf{b}_2)",
                r"\frac{\partial h_k}{\partial z_k} &= H(z_k) = \mathbb{1}[z_k>0]\ \Rightarrow\ "
                r"\mathbf{u}_1 = (\mathbf{V}^T\mathbf{u}_2)\odot\mathbb{1}(\mathbf{z}>0)",
            ),
            asks=r"$\mathbf{u}_1=\nabla_{\mathbf{z}}\mathcal{L}$",
            expression=L, wrt="z",
            answer_latex=r"(\mathbf{V}^T\mathbf{u}_2)\odot\mathbb{1}(\mathbf{z}>0)",
            claim=Claim(r"\mathbf{u}_1=\nabla_{\mathbf{z}}\mathcal{L}=(\mathbf{V}^\top\mathbf{u}_2)"
                        r"\odot H(\mathbf{z})\in\mathbb{R}^K", U1, section="P1"),
            wrong=(Wrong("dropped the ReLU mask", UNMASKED_U1),),
        ),
        Derivative(
            name="grad-V",
            derivation=(
                r"a_c &= \textstyle\sum_k V_{ck}h_k + b_{2c}\ \Rightarrow\ \frac{\partial "
                r"a_c}{\partial V_{ij}} = h_j\,\mathbb{1}[i=c]",
                r"\frac{\partial\mathcal{L}}{\partial V_{ij}} &= \textstyle\sum_c "
                r"u_{2c}\,h_j\,\mathbb{1}[i=c] = u_{2i}h_j",
                r"\nabla_{\mathbf{V}}\mathcal{L} &= \mathbf{u}_2\mathbf{h}^T",
            ),
            asks=r"$\nabla_{\mathbf{V}}\mathcal{L}$ ($C\times K$, the shape of $\mathbf{V}$)",
            expression=L, wrt="V",
            answer_latex=r"\mathbf{u}_2\mathbf{h}^T",
            claim=Claim(r"\nabla_{\mathbf{V}}\mathcal{L}=\mathbf{u}_2\mathbf{h}^\top\in"
                        r"\mathbb{R}^{C\times K}", "(softmax(a) - y) @ h.T", section="P1"),
            wrong=(Wrong("used z instead of h = ReLU(z)", "(softmax(a) - y) @ z.T"),),
        ),
        Derivative(
            name="da-dV",
            derivation=(
                r"a_c &= \textstyle\sum_k V_{ck}h_k + b_{2c}",
                r"\frac{\partial a_c}{\partial V_{ij}} &= \textstyle\sum_k "
                r"h_k\,\mathbb{1}[i=c,\,j=k] = h_j\,\mathbb{1}[i=c]",
            ),
            asks=r"$\partial a_c/\partial V_{ij}$ ($C\times CK$, columns $(i,j)$ row-major)",
            expression="a", wrt="V", layout="numerator",
            answer_latex=r"\mathbf{I}_C\otimes\mathbf{h}^T"
                         r"\quad(\text{entries } h_j\,\mathbb{1}[i=c])",
            claim=Claim(r"\frac{\partial\mathbf{a}}{\partial V_{ij}}=(0\ \cdots\ 0\ h_j\ 0\ "
                        r"\cdots\ 0)^\top, the non-zero element at the i-th position",
                        "kron(I_C, h.T)", section="P1"),
            wrong=(Wrong("indicator dropped: h_j in every row", "kron(ones(C, C), h.T)"),),
        ),
        Derivative(
            name="grad-b2",
            derivation=(
                r"\frac{\partial\mathbf{a}}{\partial\mathbf{b}_2} &= \mathbf{I}_C",
                r"\nabla_{\mathbf{b}_2}\mathcal{L} &= "
                r"\mathbf{I}_C^T\,\nabla_{\mathbf{a}}\mathcal{L} = \mathbf{u}_2 = "
                r"\mathbf{p}-\mathbf{y}",
            ),
            asks=r"$\nabla_{\mathbf{b}_2}\mathcal{L}$",
            expression=L, wrt="b2",
            answer_latex=r"\mathbf{u}_2",
            claim=Claim(r"\nabla_{\mathbf{b}_2}\mathcal{L}=\mathbf{u}_2\in\mathbb{R}^C",
                        "softmax(a) - y", section="P1"),
            wrong=(Wrong("p alone (dropped -y)", "softmax(a)"),),
        ),
        Derivative(
            name="grad-W",
            derivation=(
                r"z_k &= \textstyle\sum_j W_{kj}x_j + b_{1k}\ \Rightarrow\ \frac{\partial "
                r"z_k}{\partial W_{ij}} = x_j\,\mathbb{1}[i=k]",
                r"\frac{\partial\mathcal{L}}{\partial W_{ij}} &= \textstyle\sum_k "
                r"u_{1k}\,x_j\,\mathbb{1}[i=k] = u_{1i}x_j",
                r"\nabla_{\mathbf{W}}\mathcal{L} &= \mathbf{u}_1\mathbf{x}^T,\quad \mathbf{u}_1 = "
                r"(\mathbf{V}^T\mathbf{u}_2)\odot H(\mathbf{z})",
            ),
            asks=r"$\nabla_{\mathbf{W}}\mathcal{L}$ ($K\times D$)",
            expression=L, wrt="W",
            answer_latex=r"\mathbf{u}_1\mathbf{x}^T",
            claim=Claim(r"\nabla_{\mathbf{W}}\mathcal{L}=\mathbf{u}_1\mathbf{x}^\top\in"
                        r"\mathbb{R}^{K\times D}", f"({U1}) @ x.T", section="P1"),
            wrong=(Wrong("dropped the ReLU mask", f"({UNMASKED_U1}) @ x.T"),),
        ),
        Derivative(
            name="grad-b1",
            derivation=(
                r"\frac{\partial\mathbf{z}}{\partial\mathbf{b}_1} &= \mathbf{I}_K\ \Rightarrow\ "
                r"\nabla_{\mathbf{b}_1}\mathcal{L} = \nabla_{\mathbf{z}}\mathcal{L}",
                r"&= \mathbf{u}_1 = (\mathbf{V}^T\mathbf{u}_2)\odot H(\mathbf{z})\in\mathbb{R}^K",
            ),
            asks=r"$\nabla_{\mathbf{b}_1}\mathcal{L}$",
            expression=L, wrt="b1",
            answer_latex=r"\mathbf{u}_1\quad(\in\mathbb{R}^K)",
            claim=Claim(r"\nabla_{\mathbf{b}_1}\mathcal{L}=\mathbf{u}_1\in\mathbb{R}^C (value "
                        r"judged here; the stated size is judged in grad-b1-size)", U1,
                        section="P1"),
            wrong=(Wrong("dropped the ReLU mask", UNMASKED_U1),),
        ),
        Equation(
            name="grad-b1-size",
            derivation=(
                r"\mathbf{b}_1,\ \mathbf{z} &\in "
                r"\mathbb{R}^K\quad(\mathbf{W}\in\mathbb{R}^{K\times D})",
                r"\nabla_{\mathbf{b}_1}\mathcal{L} &= \mathbf{u}_1\in\mathbb{R}^K\ \Rightarrow\ "
                r"K\text{ entries (not } C)",
            ),
            asks=r"The number of entries of $\nabla_{\mathbf{b}_1}\mathcal{L}$",
            lhs=lambda V, a, y, z: total(1 + 0 * (V.T @ (softmax(a) - y)) * step(z)),
            rhs=lambda W: W.shape[0],
            answer_latex=r"K\ (\nabla_{\mathbf{b}_1}\mathcal{L}\in\mathbb{R}^K)",
            notes="lhs counts the entries of the gradient vector u1 itself.",
            claim=Claim(r"\nabla_{\mathbf{b}_1}\mathcal{L}=\mathbf{u}_1\in\mathbb{R}^C",
                        lambda V: V.shape[0], section="P1"),
            wrong=(Wrong("D (the input size)", lambda W: W.shape[1]),),
        ),
        Derivative(
            name="da-db2",
            derivation=(
                r"a_c &= \textstyle\sum_k V_{ck}h_k + b_{2c}",
                r"\frac{\partial a_c}{\partial b_{2j}} &= \mathbb{1}[c=j]\ \Rightarrow\ "
                r"\frac{\partial\mathbf{a}}{\partial\mathbf{b}_2} = \mathbf{I}_C",
            ),
            asks=r"$\partial\mathbf{a}/\partial\mathbf{b}_2$",
            expression="a", wrt="b2", layout="numerator",
            answer_latex=r"\mathbf{I}_C",
            claim=Claim(r"\partial\mathbf{a}/\partial\mathbf{b}_2=\mathbb{I}\in\mathbb{R}^{C"
                        r"\times C}", "I_C", section="P1"),
            wrong=(Wrong("all-ones matrix", "ones(C, C)"),),
        ),
        Derivative(
            name="dz-dx",
            derivation=(
                r"z_i &= \textstyle\sum_k W_{ik}x_k + b_{1i}",
                r"\frac{\partial z_i}{\partial x_j} &= W_{ij}\ \Rightarrow\ "
                r"\frac{\partial\mathbf{z}}{\partial\mathbf{x}} = \mathbf{W}",
            ),
            asks=r"$\partial\mathbf{z}/\partial\mathbf{x}$ (row $i$: $\partial z_i/\partial"
                 r"\mathbf{x}$)",
            expression="z", wrt="x", layout="numerator",
            answer_latex=r"\mathbf{W}\ (K\times D)",
            claim=Claim(r"\frac{\partial\mathbf{z}}{\partial\mathbf{x}}=\mathbf{W},\ "
                        r"\frac{\partial z_i}{\partial x_j}=W_{ij}", "W", section="P1"),
            wrong=(Wrong("W with the bias folded in", "W + 1"),),
        ),
        Derivative(
            name="grad-x",
            derivation=(
                r"\frac{\partial\mathcal{L}}{\partial\mathbf{x}} &= "
                r"\frac{\partial\mathcal{L}}{\partial\mathbf{z}} "
                r"\frac{\partial\mathbf{z}}{\partial\mathbf{x}} = "
                r"\mathbf{u}_1^T\mathbf{W}\quad\text{(a row)}",
                r"\nabla_{\mathbf{x}}\mathcal{L} &= (\mathbf{u}_1^T\mathbf{W})^T = "
                r"\mathbf{W}^T\mathbf{u}_1",
            ),
            asks=r"$\nabla_{\mathbf{x}}\mathcal{L}$ (a column)",
            expression=L, wrt="x",
            answer_latex=r"\mathbf{W}^T\mathbf{u}_1",
            claim=Claim(r"\nabla_{\mathbf{x}}\mathcal{L}=(\mathbf{u}_1^\top\mathbf{W})^\top="
                        r"\mathbf{W}^\top\mathbf{u}_1\in\mathbb{R}^D", f"W.T @ ({U1})",
                        section="P1"),
            wrong=(Wrong("dropped the ReLU mask", f"W.T @ ({UNMASKED_U1})"),),
        ),
        Derivative(
            name="dl-dx-numerator",
            derivation=(
                r"\frac{\partial\mathcal{L}}{\partial\mathbf{z}} &= \mathbf{u}_1^T\ (1\times "
                r"K),\qquad \frac{\partial\mathbf{z}}{\partial\mathbf{x}} = \mathbf{W}\ (K\times "
                r"D)",
                r"\frac{\partial\mathcal{L}}{\partial\mathbf{x}} &= "
                r"\frac{\partial\mathcal{L}}{\partial\mathbf{z}} "
                r"\frac{\partial\mathbf{z}}{\partial\mathbf{x}} = \mathbf{u}_1^T\mathbf{W}\ "
                r"(1\times D)",
            ),
            asks=r"$\partial\mathcal{L}/\partial\mathbf{x}$ in numerator layout ($1\times D$)",
            expression=L, wrt="x", layout="numerator",
            answer_latex=r"\mathbf{u}_1^T\mathbf{W}",
            claim=Claim(r"\frac{\partial\mathcal{L}}{\partial\mathbf{x}}=\frac{\partial\mathcal{L}}"
                        r"{\partial\mathbf{z}}\frac{\partial\mathbf{z}}{\partial\mathbf{x}}="
                        r"\mathbf{u}_1^\top\mathbf{W}", f"({U1}).T @ W", section="P1"),
            wrong=(Wrong("column W^T u1 (denominator layout)", f"W.T @ ({U1})"),),
        ),
    ),
)
