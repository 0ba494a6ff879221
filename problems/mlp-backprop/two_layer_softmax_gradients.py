"""Seed 003 Problem 2 (a)-(d): gradients of a two-layer ReLU network with softmax cross-entropy."""

from derivekit.model import SIMPLEX, UNIT, Claim, Derivative, Given, Problem, Source, Wrong
from derivekit.ops import diag, identity_like, log, relu, softmax, step, total, vstack


def softmax_jacobian(z2):
    """∂ô_i/∂z_j = ô_i (1[i = j] - ô_j): diag(ô) - ô ô^T."""
    p = softmax(z2)
    return diag(p) - p @ p.T


def weight_jacobian(v, out, indicator=True):
    """∂(Mv)_k/∂M_ij = v_j 1[k = i] for an out x len(v) matrix M: numerator layout, one row
    per output k, one column per weight (i, j) in row-major order (``indicator=False``: the
    mistake of dropping 1[k = i])."""
    return vstack(*[vstack(*[v[j, 0] if k == i or not indicator else 0 * v[j, 0]
                             for i in range(out) for j in range(v.shape[0])]).T
                    for k in range(out)])


def z1(W1, x, b1):
    return W1 @ x + b1


def error_from_h(h, W2, b2, o):
    """E = -Σ_k o_k log ô_k with ô = softmax(W2 h + b2), h a free variable."""
    return -total(o * log(softmax(W2 @ h + b2)))


def error(x, W1, b1, W2, b2, o):
    return error_from_h(relu(z1(W1, x, b1)), W2, b2, o)


def delta2(x, W1, b1, W2, b2, o):
    """∂E/∂z2 = ô - o (uses Σ_k o_k = 1)."""
    return softmax(W2 @ relu(z1(W1, x, b1)) + b2) - o


def delta1(x, W1, b1, W2, b2, o):
    """∂E/∂z1 = W2^T(ô - o) ⊙ 1[z1 > 0]."""
    return (W2.T @ delta2(x, W1, b1, W2, b2, o)) * step(z1(W1, x, b1))


def seed_delta1(x, W1, b1, W2, b2, o):
    """The seed's ∂E/∂z1, with W1^T where W2^T belongs (defined only when n = d = K)."""
    return (W1.T @ delta2(x, W1, b1, W2, b2, o)) * step(z1(W1, x, b1))


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
        Given("h", ("d", 1), latex=r"\mathbf{h}", description="hidden layer as a free variable"),
        Given("z2", ("K", 1), latex=r"\mathbf{z}_2", description="logits as a free variable"),
        Given("ohat", ("K", 1), UNIT, r"\hat{\mathbf{o}}", "predictions as a free variable"),
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
            of=lambda o, ohat: -total(o * log(ohat)), wrt="ohat",
            answer=lambda o, ohat: -o / ohat,
            answer_latex=r"-o_i/\hat o_i",
            claim=Claim(r"\frac{\partial E}{\partial\hat{\mathbf{o}}_i}=-\frac{\mathbf{o}_i}"
                        r"{\hat{\mathbf{o}}_i}", lambda o, ohat: -o / ohat, section="P2(a)"),
            wrong=(Wrong("log dropped: -o", lambda o, ohat: -o + 0 * ohat),),
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
            of=lambda z2: softmax(z2), wrt="z2", layout="numerator",
            answer=softmax_jacobian,
            answer_latex=r"\hat o_i(\mathbb{1}[i=j]-\hat o_j):\ \operatorname{diag}(\hat{"
                         r"\mathbf{o}})-\hat{\mathbf{o}}\hat{\mathbf{o}}^T",
            claim=Claim(r"\frac{\partial(\hat{\mathbf{o}}_i)}{\partial(\mathbf{z}_2)_j}="
                        r"\hat{\mathbf{o}}_i(\mathbb{I}(i=j)-\hat{\mathbf{o}}_j)", softmax_jacobian,
                        section="P2(a)"),
            wrong=(Wrong("diagonal only: diag(ô(1 - ô))", lambda z2:
                         diag(softmax(z2) * (1 - softmax(z2)))),),
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
            of=error, wrt="b2",
            answer=delta2,
            answer_latex=r"\hat{\mathbf{o}}-\mathbf{o}",
            notes="z2 = W2 h + b2, so ∂E/∂z2 = ∂E/∂b2; b2 is the given differentiated.",
            claim=Claim(r"\frac{\partial E}{\partial\mathbf{z}_2}=\hat{\mathbf{o}}-\mathbf{o}",
                        delta2, section="P2(a)"),
            wrong=(Wrong("-o/ô (gradient with respect to ô)", lambda x, W1, b1, W2, b2, o:
                         -o / softmax(W2 @ relu(z1(W1, x, b1)) + b2)),),
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
            of=error, wrt="W2",
            answer=lambda x, W1, b1, W2, b2, o: delta2(x, W1, b1, W2, b2, o)
            @ relu(z1(W1, x, b1)).T,
            answer_latex=r"(\hat{\mathbf{o}}-\mathbf{o})\mathbf{h}^T",
            avoid=z1,
            claim=Claim(r"\frac{\partial E}{\partial\mathbf{W}_2}=(\hat{\mathbf{o}}-\mathbf{o})"
                        r"\mathbf{h}^\top",
                        lambda x, W1, b1, W2, b2, o: delta2(x, W1, b1, W2, b2, o)
                        @ relu(z1(W1, x, b1)).T, section="P2(b)"),
            wrong=(Wrong("used z1 instead of h", lambda x, W1, b1, W2, b2, o:
                         delta2(x, W1, b1, W2, b2, o) @ z1(W1, x, b1).T),),
        ),
        Derivative(
            name="dz2-dW2",
            derivation=(
                r"(\mathbf{z}_2)_k &= \textstyle\sum_l(\mathbf{W}_2)_{kl}h_l + (\mathbf{b}_2)_k",
                r"\frac{\partial(\mathbf{z}_2)_k}{\partial(\mathbf{W}_2)_{ij}} &= "
                r"\textstyle\sum_l h_l\,\mathbb{1}[k=i,\,l=j] = h_j\,\mathbb{1}[k=i]",
            ),
            asks=r"(b) $\partial(\mathbf{z}_2)_k/\partial(\mathbf{W}_2)_{ij}$ ($K\times Kd$, "
                 r"columns $(i,j)$ row-major)",
            of=lambda h, W2, b2: W2 @ h + b2, wrt="W2", layout="numerator",
            answer=lambda h, W2: weight_jacobian(h, W2.shape[0]),
            answer_latex=r"h_j\,\mathbb{1}[k=i]",
            claim=Claim(r"\frac{\partial(\mathbf{z}_2)_k}{\partial(\mathbf{W}_2)_{ij}}=\mathbf{h}_j"
                        r"\mathbb{I}(k=i,l=j)", lambda h, W2: weight_jacobian(h, W2.shape[0]),
                        section="P2(b)"),
            wrong=(Wrong("indicator dropped: h_j for every output k", lambda h, W2:
                         weight_jacobian(h, W2.shape[0], indicator=False)),),
        ),
        Derivative(
            name="dz2-db2",
            derivation=(
                r"(\mathbf{z}_2)_k &= \textstyle\sum_l(\mathbf{W}_2)_{kl}h_l + (\mathbf{b}_2)_k",
                r"\frac{\partial(\mathbf{z}_2)_k}{\partial(\mathbf{b}_2)_j} &= \mathbb{1}[k=j]\ "
                r"\Rightarrow\ \mathbf{I}_K",
            ),
            asks=r"(b) $\partial(\mathbf{z}_2)_k/\partial(\mathbf{b}_2)_j$",
            of=lambda h, W2, b2: W2 @ h + b2, wrt="b2", layout="numerator",
            answer=lambda b2: identity_like(b2),
            answer_latex=r"\mathbb{1}[k=j]:\ \mathbf{I}_K",
            claim=Claim(r"\frac{\partial(\mathbf{z}_2)_k}{\partial(\mathbf{b}_2)_j}=\mathbb{I}"
                        r"(k=j)", lambda b2: identity_like(b2), section="P2(b)"),
            wrong=(Wrong("all ones", lambda b2: 1 + 0 * b2 @ b2.T),),
        ),
        Derivative(
            name="grad-b2",
            derivation=(
                r"\frac{\partial E}{\partial(\mathbf{b}_2)_j} &= \textstyle\sum_k\frac{\partial "
                r"E}{\partial(\mathbf{z}_2)_k}\,\mathbb{1}[k=j] = \hat o_j-o_j",
            ),
            asks=r"(b) $\partial E/\partial\mathbf{b}_2$",
            of=error, wrt="b2",
            answer=delta2,
            answer_latex=r"\hat{\mathbf{o}}-\mathbf{o}",
            claim=Claim(r"\frac{\partial E}{\partial\mathbf{b}_2}=\hat{\mathbf{o}}-\mathbf{o}",
                        delta2, section="P2(b)"),
            wrong=(Wrong("ô alone (dropped -o)", lambda x, W1, b1, W2, b2:
                         softmax(W2 @ relu(z1(W1, x, b1)) + b2)),),
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
            of=error_from_h, wrt="h",
            answer=lambda h, W2, b2, o: W2.T @ (softmax(W2 @ h + b2) - o),
            answer_latex=r"\mathbf{W}_2^T(\hat{\mathbf{o}}-\mathbf{o})",
            claim=Claim(r"\frac{\partial E}{\partial\mathbf{h}}=\mathbf{W}_2^\top(\hat{\mathbf{o}}"
                        r"-\mathbf{o})",
                        lambda h, W2, b2, o: W2.T @ (softmax(W2 @ h + b2) - o),
                        section="P2(c)"),
            wrong=(Wrong("(ô - o)^T W2 (numerator-layout row)", lambda h, W2, b2, o:
                         (softmax(W2 @ h + b2) - o).T @ W2),),
        ),
        Derivative(
            name="dz2-dh",
            derivation=(
                r"(\mathbf{z}_2)_k &= \textstyle\sum_l(\mathbf{W}_2)_{kl}h_l + (\mathbf{b}_2)_k",
                r"\frac{\partial(\mathbf{z}_2)_k}{\partial h_j} &= "
                r"\textstyle\sum_l(\mathbf{W}_2)_{kl}\,\mathbb{1}[l=j] = (\mathbf{W}_2)_{kj}",
            ),
            asks=r"(c) $\partial(\mathbf{z}_2)_k/\partial h_j$ (row $k$, column $j$)",
            of=lambda h, W2, b2: W2 @ h + b2, wrt="h", layout="numerator",
            answer=lambda W2: W2,
            answer_latex=r"(\mathbf{W}_2)_{kj}:\ \mathbf{W}_2",
            claim=Claim(r"\frac{\partial(\mathbf{z}_2)_k}{\partial(\mathbf{h})_j}=(\mathbf{W}_2)"
                        r"_{kj}", lambda W2: W2, section="P2(c)"),
            wrong=(Wrong("W2 with a bias column of ones", lambda W2: W2 + 1),),
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
            of=error, wrt="b1",
            answer=delta1,
            answer_latex=r"\mathbf{W}_2^T(\hat{\mathbf{o}}-\mathbf{o})\odot\mathbb{1}"
                         r"(\mathbf{z}_1>0)",
            avoid=z1,
            notes="z1 = W1 x + b1, so ∂E/∂z1 = ∂E/∂b1. The seed's W1^T (d x n transposed) times "
                  "ô - o (K) is not even defined unless d = K, and the product with the d-vector "
                  "mask needs n = d.",
            claim=Claim(r"\frac{\partial E}{\partial\mathbf{z}_1}=\mathbf{W}_1^\top"
                        r"(\hat{\mathbf{o}}-\mathbf{o})\odot\mathbb{I}(\mathbf{z}_1>0)",
                        seed_delta1, section="P2(c)"),
            wrong=(Wrong("dropped the ReLU mask", lambda x, W1, b1, W2, b2, o:
                         W2.T @ delta2(x, W1, b1, W2, b2, o)),),
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
            of=error, wrt="W1",
            answer=lambda x, W1, b1, W2, b2, o: delta1(x, W1, b1, W2, b2, o) @ x.T,
            answer_latex=r"\big[\mathbf{W}_2^T(\hat{\mathbf{o}}-\mathbf{o})\odot\mathbb{1}"
                         r"(\mathbf{z}_1>0)\big]\mathbf{x}^T",
            avoid=z1,
            claim=Claim(r"\frac{\partial E}{\partial\mathbf{W}_1}=\left[\mathbf{W}_2^\top(\hat"
                        r"{\mathbf{o}}-\mathbf{o})\odot\mathbb{I}(\mathbf{z}_1>0)\right]\mathbf{x}"
                        r"^\top",
                        lambda x, W1, b1, W2, b2, o: delta1(x, W1, b1, W2, b2, o) @ x.T,
                        section="P2(d)"),
            wrong=(Wrong("dropped the ReLU mask", lambda x, W1, b1, W2, b2, o:
                         (W2.T @ delta2(x, W1, b1, W2, b2, o)) @ x.T),),
        ),
        Derivative(
            name="dz1-dW1",
            derivation=(
                r"(\mathbf{z}_1)_k &= \textstyle\sum_l(\mathbf{W}_1)_{kl}x_l + (\mathbf{b}_1)_k",
                r"\frac{\partial(\mathbf{z}_1)_k}{\partial(\mathbf{W}_1)_{ij}} &= "
                r"\textstyle\sum_l x_l\,\mathbb{1}[k=i,\,l=j] = x_j\,\mathbb{1}[k=i]",
            ),
            asks=r"(d) $\partial(\mathbf{z}_1)_k/\partial(\mathbf{W}_1)_{ij}$ ($d\times dn$, "
                 r"columns $(i,j)$ row-major)",
            of=z1, wrt="W1", layout="numerator",
            answer=lambda x, W1: weight_jacobian(x, W1.shape[0]),
            answer_latex=r"x_j\,\mathbb{1}[k=i]",
            claim=Claim(r"\frac{\partial(\mathbf{z}_1)_k}{\partial(\mathbf{W}_1)_{ij}}=\mathbf{x}_j"
                        r"\mathbb{I}(k=i,l=j)", lambda x, W1: weight_jacobian(x, W1.shape[0]),
                        section="P2(d)"),
            wrong=(Wrong("indicator dropped: x_j for every output k", lambda x, W1:
                         weight_jacobian(x, W1.shape[0], indicator=False)),),
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
            of=error, wrt="b1",
            answer=delta1,
            answer_latex=r"\mathbf{W}_2^T(\hat{\mathbf{o}}-\mathbf{o})\odot\mathbb{1}"
                         r"(\mathbf{z}_1>0)",
            avoid=z1,
            claim=Claim(r"\frac{\partial E}{\partial\mathbf{b}_1}=\frac{\partial E}{\partial"
                        r"\mathbf{z}_1}\mathbf{I}=\mathbf{W}_1^\top(\hat{\mathbf{o}}-\mathbf{o})"
                        r"\odot\mathbb{I}(\mathbf{z}_1>0)", seed_delta1, section="P2(d)"),
            wrong=(Wrong("dropped the ReLU mask", lambda x, W1, b1, W2, b2, o:
                         W2.T @ delta2(x, W1, b1, W2, b2, o)),),
        ),
    ),
)
