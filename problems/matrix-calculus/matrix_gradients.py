"""Seed 000 §1.1: four gradients of the simplest matrix expressions."""

from derivekit.model import Claim, Derivative, Given, Problem, Source, Wrong

PROBLEM = Problem(
    id="matrix-gradients",
    title="Calculating gradients",
    source=Source("000_b77450bb05363a64.txt", "1.1"),
    statement=(
        r"Let $\mathbf{x}\in\mathbb{R}^{m}$, $\mathbf{y}\in\mathbb{R}^{n}$ and "
        r"$\mathbf{A}\in\mathbb{R}^{m\times n}$. Find $\frac{dz}{d\mathbf{x}}$ for "
        r"$z=\mathbf{x}^T\mathbf{x}$, $\frac{dz}{d\mathbf{A}}$ for "
        r"$z=\operatorname{tr}(\mathbf{A}^T\mathbf{A})$, $\frac{\partial z}{\partial \mathbf{y}}$ "
        r"for $z=\mathbf{x}^T\mathbf{A}\mathbf{y}$ and $\frac{d\mathbf{z}}{d\mathbf{y}}$ for "
        r"$\mathbf{z}=\mathbf{A}\mathbf{y}$."
    ),
    givens=(
        Given("x", ("m", 1), latex=r"\mathbf{x}"),
        Given("y", ("n", 1), latex=r"\mathbf{y}"),
        Given("A", ("m", "n"), latex=r"\mathbf{A}"),
    ),
    shapes=({"m": 3, "n": 2}, {"m": 2, "n": 4}, {"m": 4, "n": 4}, {"m": 1, "n": 3}),
    parts=(
        Derivative(
            name="xTx",
            derivation=(
                r"z &= \mathbf x^T\mathbf x = \textstyle\sum_i x_i^2",
                r"\frac{\partial z}{\partial x_i} &= 2x_i \;\Rightarrow\; \frac{dz}{d\mathbf x} = "
                r"2\mathbf x",
            ),
            asks=r"$\frac{d}{d\mathbf{x}}\,\mathbf{x}^T\mathbf{x}$",
            expression="x.T @ x",
            wrt="x",
            answer_latex=r"2\mathbf{x}",
            claim=Claim(r"2\mathbf{x}", "2*x"),
            wrong=(Wrong("forgot the factor 2", "x"),
                   Wrong("row vector (numerator layout)", "2*x.T")),
        ),
        Derivative(
            name="trace-ATA",
            derivation=(
                r"z &= \operatorname{tr}(A^TA)=\textstyle\sum_{ij}a_{ij}^2",
                r"\frac{\partial z}{\partial a_{ij}} &= 2a_{ij}",
            ),
            asks=r"$\frac{d}{d\mathbf{A}}\operatorname{tr}(\mathbf{A}^T\mathbf{A})$",
            expression="trace(A.T @ A)",
            wrt="A",
            answer_latex=r"2\mathbf{A}",
            claim=Claim(r"2\mathbf{A}", "2*A"),
            wrong=(Wrong("transposed", "2*A.T"),),
        ),
        Derivative(
            name="xTAy-wrt-y",
            derivation=(
                r"z &= \mathbf x^TA\mathbf y = \mathbf c^T\mathbf y,\quad \mathbf c = A^T\mathbf x",
                r"\frac{\partial z}{\partial y_j} &= c_j",
            ),
            asks=r"$\frac{\partial}{\partial\mathbf{y}}\,\mathbf{x}^T\mathbf{A}\mathbf{y}$",
            expression="x.T @ A @ y",
            wrt="y",
            answer_latex=r"\mathbf{A}^T\mathbf{x}",
            claim=Claim(r"\mathbf{c}=\mathbf{A}^T\mathbf{x}", "A.T @ x"),
            wrong=(Wrong("x^T A (numerator layout)", "x.T @ A"),),
        ),
        Derivative(
            name="Ay-denominator",
            derivation=(
                r"z_i &= \textstyle\sum_k a_{ik}y_k,\quad \frac{\partial z_i}{\partial y_j} = "
                r"a_{ij}",
                r"\text{denominator layout: entry } (j,i) &= a_{ij} \;\Rightarrow\; A^T",
            ),
            asks=r"$\frac{d(\mathbf{A}\mathbf{y})}{d\mathbf{y}}$ in denominator layout",
            expression="A @ y",
            wrt="y",
            answer_latex=r"\mathbf{A}^T \quad (n\times m,\ \text{denominator layout})",
            layout="denominator",
            claim=Claim(r"\mathbf{A}^T (under the seed's stated denominator layout)", "A.T"),
            wrong=(Wrong("numerator-layout answer A", "A"),),
        ),
        Derivative(
            name="Ay-numerator",
            derivation=(
                r"z_i &= \textstyle\sum_k a_{ik}y_k,\quad \frac{\partial z_i}{\partial y_j} = "
                r"a_{ij}",
                r"\text{numerator layout: entry } (i,j) &= a_{ij} \;\Rightarrow\; A",
            ),
            asks=r"$\frac{d(\mathbf{A}\mathbf{y})}{d\mathbf{y}}$ in numerator layout",
            expression="A @ y",
            wrt="y",
            answer_latex=r"\mathbf{A} \quad (m\times n,\ \text{numerator layout})",
            layout="numerator",
            wrong=(Wrong("denominator-layout answer A^T", "A.T"),),
        ),
    ),
)
