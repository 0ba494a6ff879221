"""Seed 003 Problem 2 (a)-(d): gradients of a two-layer ReLU network with softmax cross-entropy."""

from derivekit.model import SIMPLEX, Claim, Derivative, Given, Problem, Source, Wrong
from derivekit.ops import relu, softmax, step

E = "-sum(o .* log(ohat))"
"""The loss E = -Σ_k o_k log ô_k, in the statement's names (ô, h, z₁, z₂ are defined below)."""


def seed_delta1(x, W1, b1, W2, b2, o):
    """The seed's ∂E/∂z1, with W1^T where W2^T belongs (defined only when n = d = K)."""
    return (W1.T @ (softmax(W2 @ relu(W1 @ x + b1) + b2) - o)) * step(W1 @ x + b1)


PROBLEM = Problem(
    id="two-layer-softmax-gradients",
    title="Gradient derivation for a two-layer neural network",
    source=Source("003_e61c9815763fc135.txt", "Problem 2"),
    statement=(
        r"$\mathbf{x}\in\mathbb{R}^n$, $\mathbf{z}_1=\mathbf{W}_1\mathbf{x}+\mathbf{b}_1\in"
        r"\mathbb{R}^d$, $\mathbf{h}=\mathrm{ReLU}(\mathbf{z}_1)$, $\mathbf{z}_2=\mathbf{W}_2"
        r"\mathbf{h}+\mathbf{b}_2\in\mathbb{R}^K$, $\hat{\mathbf{o}}=\mathrm{softmax}(\mathbf{z}_2)"
        r"$, $E=-\sum_k o_k\log\hat o_k$ with $\sum_k o_k=1$. Find (a) $\partial E/\partial"
        r"\mathbf{z}_2$, (b) $\partial E/\partial\mathbf{W}_2$, $\partial E/\partial\mathbf{b}_2$, "
        r"(c) $\partial E/\partial\mathbf{h}$, $\partial E/\partial\mathbf{z}_1$, (d) $\partial E/"
        r"\partial\mathbf{W}_1$, $\partial E/\partial\mathbf{b}_1$, each with the shape of the "
        r"variable (denominator layout, as the seed writes them)."
    ),
    givens=(
        Given("x", ("n", 1), latex=r"\mathbf{x}"),
        Given("W1", ("d", "n"), latex=r"\mathbf{W}_1"),
        Given("b1", ("d", 1), latex=r"\mathbf{b}_1"),
        Given("W2", ("K", "d"), latex=r"\mathbf{W}_2"),
        Given("b2", ("K", 1), latex=r"\mathbf{b}_2"),
        Given("o", ("K", 1), SIMPLEX, r"\mathbf{o}", "target distribution (one-hot in practice)"),
        Given("z1", ("d", 1), latex=r"\mathbf{z}_1", definition="W1 @ x + b1"),
        Given("h", ("d", 1), latex=r"\mathbf{h}", definition="relu(z1)"),
        Given("z2", ("K", 1), latex=r"\mathbf{z}_2", definition="W2 @ h + b2"),
        Given("ohat", ("K", 1), latex=r"\hat{\mathbf{o}}", definition="softmax(z2)"),
    ),
    shapes=({"n": 2, "d": 3, "K": 2}, {"n": 1, "d": 2, "K": 3}, {"n": 3, "d": 2, "K": 2}),
    parts=(
        Derivative(
            name="grad-ohat",
            derivation=(
                r"E &= -\textstyle\sum_k o_k\log\hat o_k",
                r"\frac{\partial E}{\partial\hat o_i} &= -o_i\cdot\frac{1}{\hat o_i} = "
                r"-\frac{o_i}{\hat o_i}",
            ),
            asks=r"(a) $\partial E/\partial\hat o_i$",
            expression=E, wrt="ohat",
            answer_latex=r"-\mathbf{o}/\hat{\mathbf{o}}\quad(\text{entries } -o_i/\hat o_i)",
            claim=Claim(r"\frac{\partial E}{\partial\hat{\mathbf{o}}_i}=-\frac{\mathbf{o}_i}"
                        r"{\hat{\mathbf{o}}_i}", "-o / ohat", section="P2(a)"),
            wrong=(Wrong("log dropped: -o", "-o"),),
        ),
        Derivative(
            name="softmax-jacobian",
            derivation=(
                r"\hat o_i &= \frac{e^{z_i}}{\sum_k e^{z_k}}\quad(\mathbf{z}=\mathbf{z}_2)",
                r"\frac{\partial\hat o_i}{\partial z_j} &= \frac{e^{z_i}\,\mathbb{1}[i=j]}{\sum_k "
                r"e^{z_k}} - \frac{e^{z_i}e^{z_j}}{(\sum_k e^{z_k})^2} = \hat "
                r"o_i(\mathbb{1}[i=j]-\hat o_j)",
            ),
            asks=r"(a) $\partial\hat o_i/\partial(\mathbf{z}_2)_j$ (row $i$, column $j$)",
            expression="ohat", wrt="z2", layout="numerator",
            answer_latex=r"\operatorname{diag}(\hat{\mathbf{o}})-\hat{\mathbf{o}}\hat{\mathbf{o}}^T"
                         r"\quad(\text{entries } \hat o_i(\mathbb{1}[i=j]-\hat o_j))",
            claim=Claim(r"\frac{\partial(\hat{\mathbf{o}}_i)}{\partial(\mathbf{z}_2)_j}="
                        r"\hat{\mathbf{o}}_i(\mathbb{I}(i=j)-\hat{\mathbf{o}}_j)",
                        "diag(ohat) - ohat @ ohat.T", section="P2(a)"),
            wrong=(Wrong("diagonal only: diag(ô(1 - ô))", "diag(ohat .* (1 - ohat))"),),
        ),
        Derivative(
            name="grad-z2",
            derivation=(
                r"\frac{\partial E}{\partial(\mathbf{z}_2)_j} &= \textstyle\sum_i "
                r"-\frac{o_i}{\hat o_i}\,\hat o_i(\mathbb{1}[i=j]-\hat o_j)",
                r"&= -o_j + \hat o_j\textstyle\sum_i o_i = \hat o_j - o_j\quad(\textstyle\sum_i "
                r"o_i=1)",
            ),
            asks=r"(a) $\partial E/\partial\mathbf{z}_2$",
            expression=E, wrt="z2",
            answer_latex=r"\hat{\mathbf{o}}-\mathbf{o}",
            claim=Claim(r"\frac{\partial E}{\partial\mathbf{z}_2}=\hat{\mathbf{o}}-\mathbf{o}",
                        "ohat - o", section="P2(a)"),
            wrong=(Wrong("-o/ô (gradient with respect to ô)", "-o / ohat"),),
        ),
        Derivative(
            name="grad-W2",
            derivation=(
                r"\frac{\partial(\mathbf{z}_2)_k}{\partial(\mathbf{W}_2)_{ij}} &= "
                r"h_j\,\mathbb{1}[k=i]",
                r"\frac{\partial E}{\partial(\mathbf{W}_2)_{ij}} &= \textstyle\sum_k(\hat "
                r"o_k-o_k)\,h_j\,\mathbb{1}[k=i] = (\hat o_i-o_i)h_j",
                r"\frac{\partial E}{\partial\mathbf{W}_2} &= "
                r"(\hat{\mathbf{o}}-\mathbf{o})\mathbf{h}^T",
            ),
            asks=r"(b) $\partial E/\partial\mathbf{W}_2$ ($K\times d$)",
            expression=E, wrt="W2",
            answer_latex=r"(\hat{\mathbf{o}}-\mathbf{o})\mathbf{h}^T",
            claim=Claim(r"\frac{\partial E}{\partial\mathbf{W}_2}=(\hat{\mathbf{o}}-\mathbf{o})"
                        r"\mathbf{h}^\top", "(ohat - o) @ h.T", section="P2(b)"),
            wrong=(Wrong("used z1 instead of h", "(ohat - o) @ z1.T"),),
        ),
        Derivative(
            name="dz2-dW2",
            derivation=(
                r"(\mathbf{z}_2)_k &= \textstyle\sum_l(\mathbf{W}_2)_{kl}h_l + (\mathbf{b}_2)_k",
                r"\frac{\partial(\mathbf{z}_2)_k}{\partial(\mathbf{W}_2)_{ij}} &= "
                r"\textstyle\sum_l h_l\,\mathbb{1}[k=i,\,l=j] = h_j\,\mathbb{1}[k=i]",
                r"\frac{\partial\mathbf{z}_2}{\partial\operatorname{vec}\mathbf{W}_2} &= "
                r"\mathbf{I}_K\otimes\mathbf{h}^T\quad(\operatorname{vec}\text{ row-major})",
            ),
            asks=r"(b) $\partial(\mathbf{z}_2)_k/\partial(\mathbf{W}_2)_{ij}$ ($K\times Kd$, "
                 r"columns $(i,j)$ row-major)",
            expression="z2", wrt="W2", layout="numerator",
            answer_latex=r"\mathbf{I}_K\otimes\mathbf{h}^T"
                         r"\quad(\text{entries } h_j\,\mathbb{1}[k=i])",
            claim=Claim(r"\frac{\partial(\mathbf{z}_2)_k}{\partial(\mathbf{W}_2)_{ij}}=\mathbf{h}_j"
                        r"\mathbb{I}(k=i,l=j)", "kron(I_K, h.T)", section="P2(b)"),
            wrong=(Wrong("indicator dropped: h_j for every output k", "kron(ones(K, K), h.T)"),),
        ),
        Derivative(
            name="dz2-db2",
            derivation=(
                r"(\mathbf{z}_2)_k &= \textstyle\sum_l(\mathbf{W}_2)_{kl}h_l + (\mathbf{b}_2)_k",
                r"\frac{\partial(\mathbf{z}_2)_k}{\partial(\mathbf{b}_2)_j} &= \mathbb{1}[k=j]\ "
                r"\Rightarrow\ \mathbf{I}_K",
            ),
            asks=r"(b) $\partial(\mathbf{z}_2)_k/\partial(\mathbf{b}_2)_j$",
            expression="z2", wrt="b2", layout="numerator",
            answer_latex=r"\mathbf{I}_K\quad(\text{entries } \mathbb{1}[k=j])",
            claim=Claim(r"\frac{\partial(\mathbf{z}_2)_k}{\partial(\mathbf{b}_2)_j}=\mathbb{I}"
                        r"(k=j)", "I_K", section="P2(b)"),
            wrong=(Wrong("all ones", "ones(K, K)"),),
        ),
        Derivative(
            name="grad-b2",
            derivation=(
                r"\frac{\partial E}{\partial(\mathbf{b}_2)_j} &= \textstyle\sum_k\frac{\partial "
                r"E}{\partial(\mathbf{z}_2)_k}\,\mathbb{1}[k=j] = \hat o_j-o_j",
            ),
            asks=r"(b) $\partial E/\partial\mathbf{b}_2$",
            expression=E, wrt="b2",
            answer_latex=r"\hat{\mathbf{o}}-\mathbf{o}",
            claim=Claim(r"\frac{\partial E}{\partial\mathbf{b}_2}=\hat{\mathbf{o}}-\mathbf{o}",
                        "ohat - o", section="P2(b)"),
            wrong=(Wrong("ô alone (dropped -o)", "ohat"),),
        ),
        Derivative(
            name="grad-h",
            derivation=(
                r"\frac{\partial(\mathbf{z}_2)_k}{\partial h_j} &= (\mathbf{W}_2)_{kj}",
                r"\frac{\partial E}{\partial h_j} &= \textstyle\sum_k(\hat "
                r"o_k-o_k)(\mathbf{W}_2)_{kj}\ \Rightarrow\ \frac{\partial E}{\partial\mathbf{h}} "
                r"= \mathbf{W}_2^T(\hat{\mathbf{o}}-\mathbf{o})",
            ),
            asks=r"(c) $\partial E/\partial\mathbf{h}$ ($d\times1$)",
            expression=E, wrt="h",
            answer_latex=r"\mathbf{W}_2^T(\hat{\mathbf{o}}-\mathbf{o})",
            claim=Claim(r"\frac{\partial E}{\partial\mathbf{h}}=\mathbf{W}_2^\top(\hat{\mathbf{o}}"
                        r"-\mathbf{o})", "W2.T @ (ohat - o)", section="P2(c)"),
            wrong=(Wrong("(ô - o)^T W2 (numerator-layout row)", "(ohat - o).T @ W2"),),
        ),
        Derivative(
            name="dz2-dh",
            derivation=(
                r"(\mathbf{z}_2)_k &= \textstyle\sum_l(\mathbf{W}_2)_{kl}h_l + (\mathbf{b}_2)_k",
                r"\frac{\partial(\mathbf{z}_2)_k}{\partial h_j} &= "
                r"\textstyle\sum_l(\mathbf{W}_2)_{kl}\,\mathbb{1}[l=j] = (\mathbf{W}_2)_{kj}",
            ),
            asks=r"(c) $\partial(\mathbf{z}_2)_k/\partial h_j$ (row $k$, column $j$)",
            expression="z2", wrt="h", layout="numerator",
            answer_latex=r"\mathbf{W}_2\quad(\text{entries } (\mathbf{W}_2)_{kj})",
            claim=Claim(r"\frac{\partial(\mathbf{z}_2)_k}{\partial(\mathbf{h})_j}=(\mathbf{W}_2)"
                        r"_{kj}", "W2", section="P2(c)"),
            wrong=(Wrong("W2 with a bias column of ones", "W2 + 1"),),
        ),
        Derivative(
            name="grad-z1",
            derivation=(
                r"\frac{\partial E}{\partial\mathbf{h}} &= "
                r"\mathbf{W}_2^T(\hat{\mathbf{o}}-\mathbf{o})\quad(d\times1)",
                r"\frac{\partial h_j}{\partial(\mathbf{z}_1)_j} &= \mathbb{1}[(\mathbf{z}_1)_j>0]",
                r"\frac{\partial E}{\partial\mathbf{z}_1} &= "
                r"\mathbf{W}_2^T(\hat{\mathbf{o}}-\mathbf{o})\odot\mathbb{1}(\mathbf{z}_1>0)",
            ),
            asks=r"(c) $\partial E/\partial\mathbf{z}_1$ ($d\times1$)",
            expression=E, wrt="z1",
            answer_latex=r"\mathbf{W}_2^T(\hat{\mathbf{o}}-\mathbf{o})\odot\mathbb{1}"
                         r"(\mathbf{z}_1>0)",
            notes="The seed's W1^T (d x n transposed) times ô - o (K) is not even defined unless "
                  "d = K, and the product with the d-vector mask needs n = d.",
            claim=Claim(r"\frac{\partial E}{\partial\mathbf{z}_1}=\mathbf{W}_1^\top"
                        r"(\hat{\mathbf{o}}-\mathbf{o})\odot\mathbb{I}(\mathbf{z}_1>0)",
                        seed_delta1, section="P2(c)"),
            wrong=(Wrong("dropped the ReLU mask", "W2.T @ (ohat - o)"),),
        ),
        Derivative(
            name="grad-W1",
            derivation=(
                r"\boldsymbol{\delta}_1 &= \frac{\partial E}{\partial\mathbf{z}_1} = "
                r"\mathbf{W}_2^T(\hat{\mathbf{o}}-\mathbf{o})\odot\mathbb{1}(\mathbf{z}_1>0)",
                r"\frac{\partial(\mathbf{z}_1)_k}{\partial(\mathbf{W}_1)_{ij}} &= "
                r"x_j\,\mathbb{1}[k=i]\ \Rightarrow\ \frac{\partial "
                r"E}{\partial(\mathbf{W}_1)_{ij}} = \delta_{1,i}\,x_j",
                r"\frac{\partial E}{\partial\mathbf{W}_1} &= \boldsymbol{\delta}_1\mathbf{x}^T",
            ),
            asks=r"(d) $\partial E/\partial\mathbf{W}_1$ ($d\times n$)",
            expression=E, wrt="W1",
            answer_latex=r"\big[\mathbf{W}_2^T(\hat{\mathbf{o}}-\mathbf{o})\odot\mathbb{1}"
                         r"(\mathbf{z}_1>0)\big]\mathbf{x}^T",
            claim=Claim(r"\frac{\partial E}{\partial\mathbf{W}_1}=\left[\mathbf{W}_2^\top(\hat"
                        r"{\mathbf{o}}-\mathbf{o})\odot\mathbb{I}(\mathbf{z}_1>0)\right]\mathbf{x}"
                        r"^\top", "((W2.T @ (ohat - o)) .* step(z1)) @ x.T", section="P2(d)"),
            wrong=(Wrong("dropped the ReLU mask", "(W2.T @ (ohat - o)) @ x.T"),),
        ),
        Derivative(
            name="dz1-dW1",
            derivation=(
                r"(\mathbf{z}_1)_k &= \textstyle\sum_l(\mathbf{W}_1)_{kl}x_l + (\mathbf{b}_1)_k",
                r"\frac{\partial(\mathbf{z}_1)_k}{\partial(\mathbf{W}_1)_{ij}} &= "
                r"\textstyle\sum_l x_l\,\mathbb{1}[k=i,\,l=j] = x_j\,\mathbb{1}[k=i]",
                r"\frac{\partial\mathbf{z}_1}{\partial\operatorname{vec}\mathbf{W}_1} &= "
                r"\mathbf{I}_d\otimes\mathbf{x}^T\quad(\operatorname{vec}\text{ row-major})",
            ),
            asks=r"(d) $\partial(\mathbf{z}_1)_k/\partial(\mathbf{W}_1)_{ij}$ ($d\times dn$, "
                 r"columns $(i,j)$ row-major)",
            expression="z1", wrt="W1", layout="numerator",
            answer_latex=r"\mathbf{I}_d\otimes\mathbf{x}^T"
                         r"\quad(\text{entries } x_j\,\mathbb{1}[k=i])",
            claim=Claim(r"\frac{\partial(\mathbf{z}_1)_k}{\partial(\mathbf{W}_1)_{ij}}=\mathbf{x}_j"
                        r"\mathbb{I}(k=i,l=j)", "kron(I_d, x.T)", section="P2(d)"),
            wrong=(Wrong("indicator dropped: x_j for every output k", "kron(ones(d, d), x.T)"),),
        ),
        Derivative(
            name="grad-b1",
            derivation=(
                r"\frac{\partial\mathbf{z}_1}{\partial\mathbf{b}_1} &= \mathbf{I}_d\ \Rightarrow\ "
                r"\frac{\partial E}{\partial\mathbf{b}_1} = \frac{\partial "
                r"E}{\partial\mathbf{z}_1}",
                r"&= \mathbf{W}_2^T(\hat{\mathbf{o}}-\mathbf{o})\odot\mathbb{1}(\mathbf{z}_1>0)",
            ),
            asks=r"(d) $\partial E/\partial\mathbf{b}_1$ ($d\times1$)",
            expression=E, wrt="b1",
            answer_latex=r"\mathbf{W}_2^T(\hat{\mathbf{o}}-\mathbf{o})\odot\mathbb{1}"
                         r"(\mathbf{z}_1>0)",
            claim=Claim(r"\frac{\partial E}{\partial\mathbf{b}_1}=\frac{\partial E}{\partial"
                        r"\mathbf{z}_1}\mathbf{I}=\mathbf{W}_1^\top(\hat{\mathbf{o}}-\mathbf{o})"
                        r"\odot\mathbb{I}(\mathbf{z}_1>0)", seed_delta1, section="P2(d)"),
            wrong=(Wrong("dropped the ReLU mask", "W2.T @ (ohat - o)"),),
        ),
    ),
)
