"""Seed 003 Problem 2 (a)-(d): gradients of a two-layer ReLU network with softmax cross-entropy."""

from derivekit.model import SIMPLEX, Claim, Derivative, Given, Problem, Source, Wrong
from derivekit.ops import exp, log, relu, step, total


def softmax(z):
    """softmax of a column of logits."""
    return exp(z) / total(exp(z))


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
    ),
    shapes=({"n": 3, "d": 4, "K": 2}, {"n": 2, "d": 3, "K": 4}, {"n": 4, "d": 2, "K": 3}),
    parts=(
        Derivative(
            name="grad-z2",
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
            name="grad-b2",
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
            name="grad-z1",
            asks=r"(c) $\partial E/\partial\mathbf{z}_1$ ($d\times1$)",
            of=error, wrt="b1",
            answer=delta1,
            answer_latex=r"\mathbf{W}_2^T(\hat{\mathbf{o}}-\mathbf{o})\odot\mathbb{1}"
                         r"(\mathbf{z}_1>0)",
            avoid=z1,
            notes="z1 = W1 x + b1, so ∂E/∂z1 = ∂E/∂b1. The seed's W1^T (d x n transposed) times "
                  "ô - o (K) is not even defined unless d = K, and the product with the d-vector "
                  "mask needs n = d.",
            claim=Claim(r"\frac{\partial E}{\partial\mathbf{z}_1}=\mathbf{W}_1^\top(\hat{\mathbf{o}}"
                        r"-\mathbf{o})\odot\mathbb{I}(\mathbf{z}_1>0)", seed_delta1,
                        section="P2(c)"),
            wrong=(Wrong("dropped the ReLU mask", lambda x, W1, b1, W2, b2, o:
                         W2.T @ delta2(x, W1, b1, W2, b2, o)),),
        ),
        Derivative(
            name="grad-W1",
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
            name="grad-b1",
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
