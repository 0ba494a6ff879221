"""Seed 003 Programming II: scaled dot-product attention with boolean and additive masks."""

from derivekit.model import BINARY, Claim, Derivative, Equation, Given, Problem, Source, Wrong
from derivekit.ops import exp, identity_like, sqrt, total, vstack


def ones_column(K):
    """A column of S ones (S = rows of K), in K's backend."""
    return 1 + 0 * K[:, :1]


def row_normalise(E, K):
    """Divide every row of E by its sum (E @ 1)."""
    return E / (E @ ones_column(K))


def softmax_rows(X, K):
    return row_normalise(exp(X), K)


def visible(M, K):
    """The boolean mask with key 0 always visible, so no query has every key masked out."""
    first_key = identity_like(K)[:1, :]
    return M + (1 - M) * first_key


def scores(Q, K):
    return Q @ K.T / sqrt(Q.shape[1])


def attention(Q, K, V):
    return softmax_rows(scores(Q, K), K) @ V


def boolean_masked_attention(Q, K, V, M):
    """masked_fill(-inf) where the mask is False: those exponentials become exactly 0."""
    return row_normalise(exp(scores(Q, K)) * visible(M, K), K) @ V


def additive_masked_attention(Q, K, V, A):
    return softmax_rows(scores(Q, K) + A, K) @ V


def rows(entries):
    """A matrix from a list of rows, each a list of scalars."""
    return vstack(*[vstack(*row).T for row in entries])


def loop_attention(Q, K, V, weight):
    """Reference: out[i, c] = Σ_j w_ij V[j, c] / Σ_j w_ij with w_ij = weight(i, j, s_ij)
    and s_ij = Σ_k Q[i, k] K[j, k] / sqrt(d), entry by entry."""
    L, S, d, dv = Q.shape[0], K.shape[0], Q.shape[1], V.shape[1]
    out = []
    for i in range(L):
        w = [weight(i, j, sum(Q[i, k] * K[j, k] for k in range(d)) / sqrt(d)) for j in range(S)]
        norm = sum(w)
        out.append([sum(w[j] * V[j, c] for j in range(S)) / norm for c in range(dv)])
    return rows(out)


def loop_plain(Q, K, V):
    return loop_attention(Q, K, V, lambda i, j, s: exp(s))


def loop_boolean(Q, K, V, M):
    """A False entry (except key 0) removes the key from query i's sum."""
    return loop_attention(Q, K, V, lambda i, j, s: exp(s) * (1 if j == 0 else M[i, j]))


def loop_additive(Q, K, V, A):
    return loop_attention(Q, K, V, lambda i, j, s: exp(s + A[i, j]))


def seed_code(Q, K, V, bias_weight):
    """The seed's scaled_dot_product_attention, dropout_p = 0: attn_weight = Q K^T *
    scale_factor + attn_bias, softmax over the last axis, times value. ``bias_weight`` is
    exp(attn_bias) (a -inf bias is a 0 weight)."""
    scale_factor = 1 / sqrt(Q.shape[-1])
    attn_weight = Q @ K.T * scale_factor
    return row_normalise(exp(attn_weight) * bias_weight, K) @ V


def unnormalised_mask(Q, K, V, M):
    return (softmax_rows(scores(Q, K), K) * visible(M, K)) @ V


SEED_CODE_TEXT = (
    r"attn\_bias.masked\_fill\_(attn\_mask.logical\_not(), -inf) (bool mask) or attn\_bias = "
    r"attn\_mask + attn\_bias (float mask); attn\_weight = query @ key^T * (1/\sqrt{d}) + "
    r"attn\_bias; softmax(dim=-1); dropout(p=0); return attn\_weight @ value")

PROBLEM = Problem(
    id="scaled-dot-product-attention",
    title="Scaled dot-product attention with boolean and additive masks",
    source=Source("003_e61c9815763fc135.txt", "Programming II"),
    statement=(
        r"For queries $Q\in\mathbb{R}^{L\times d}$, keys $K\in\mathbb{R}^{S\times d}$ and values "
        r"$V\in\mathbb{R}^{S\times d_v}$, attention is $\mathrm{softmax}(QK^T/\sqrt d+B)V$ with "
        r"the softmax over each row. A boolean mask $M$ sets $B_{ij}=-\infty$ where $M_{ij}$ is "
        r"False (key 0 is kept visible, so no row is fully masked); a float mask $A$ is added: "
        r"$B=A$. Show the matrix form equals the entry-by-entry definition, and find "
        r"$\partial\langle G,\mathrm{softmax}(QK^T/\sqrt d)V\rangle/\partial V$ and "
        r"$/\partial Q$."
    ),
    givens=(
        Given("Q", ("L", "d"), latex="Q"),
        Given("K", ("S", "d"), latex="K"),
        Given("V", ("S", "dv"), latex="V"),
        Given("M", ("L", "S"), BINARY, "M", "boolean mask (1 = attend)"),
        Given("A", ("L", "S"), latex="A", description="additive float mask"),
        Given("G", ("L", "dv"), latex="G", description="upstream gradient"),
        Given("P", ("L", "S"), latex="P", definition="softmax(Q @ K.T / sqrt(d))",
              description="attention weights, a softmax per row"),
    ),
    shapes=({"L": 2, "S": 3, "d": 2, "dv": 2}, {"L": 3, "S": 2, "d": 1, "dv": 1},
            {"L": 1, "S": 3, "d": 3, "dv": 2}),
    parts=(
        Equation(
            name="no-mask",
            derivation=(
                r"s_{ij} &= \textstyle\sum_k Q_{ik}K_{jk}/\sqrt d = (QK^T/\sqrt d)_{ij}",
                r"\mathrm{out}_{ic} &= \frac{\sum_j e^{s_{ij}}V_{jc}}{\sum_j e^{s_{ij}}} = "
                r"\big(\mathrm{softmax}_{\text{rows}}(S)\,V\big)_{ic}",
            ),
            asks=r"$\mathrm{softmax}(QK^T/\sqrt d)V$ equals the entry-by-entry definition",
            lhs=loop_plain,
            rhs=attention,
            answer_latex=r"\mathrm{softmax}_{\text{rows}}\!\big(QK^T/\sqrt d\big)V",
            claim=Claim(SEED_CODE_TEXT + " (attn_mask=None)",
                        lambda Q, K, V: seed_code(Q, K, V, 1), section="Programming II"),
            wrong=(Wrong("scaled by 1/d instead of 1/sqrt(d)", lambda Q, K, V:
                         softmax_rows(Q @ K.T / Q.shape[1], K) @ V),
                   Wrong("softmax over the query axis (columns)", lambda Q, K, V:
                         softmax_rows(scores(Q, K).T, Q).T @ V)),
        ),
        Equation(
            name="boolean-mask",
            derivation=(
                r"B_{ij} &= -\infty\text{ where } M_{ij}=0\ \Rightarrow\ e^{s_{ij}+B_{ij}} = "
                r"e^{s_{ij}}M_{ij}",
                r"\mathrm{out}_{ic} &= \frac{\sum_j e^{s_{ij}}M_{ij}V_{jc}}{\sum_j "
                r"e^{s_{ij}}M_{ij}}\quad\text{(renormalised over the visible keys)}",
            ),
            asks=r"With a boolean mask $M$: matrix form equals the entry-by-entry definition",
            lhs=loop_boolean,
            rhs=boolean_masked_attention,
            answer_latex=r"\frac{e^{QK^T/\sqrt d}\odot M}{(e^{QK^T/\sqrt d}\odot M)\mathbf{1}}V",
            claim=Claim(SEED_CODE_TEXT + " (bool attn_mask)",
                        lambda Q, K, V, M: seed_code(Q, K, V, visible(M, K)),
                        section="Programming II"),
            wrong=(Wrong("mask applied after the softmax (rows not renormalised)",
                         unnormalised_mask),
                   Wrong("mask ignored", attention)),
        ),
        Equation(
            name="additive-mask",
            derivation=(
                r"e^{s_{ij}+A_{ij}} &= e^{s_{ij}}e^{A_{ij}}",
                r"\mathrm{out}_{ic} &= \frac{\sum_j e^{s_{ij}+A_{ij}}V_{jc}}{\sum_j "
                r"e^{s_{ij}+A_{ij}}} = \big(\mathrm{softmax}_{\text{rows}}(S+A)\,V\big)_{ic}",
            ),
            asks=r"With a float mask $A$: matrix form equals the entry-by-entry definition",
            lhs=loop_additive,
            rhs=additive_masked_attention,
            answer_latex=r"\mathrm{softmax}_{\text{rows}}\!\big(QK^T/\sqrt d+A\big)V",
            claim=Claim(SEED_CODE_TEXT + " (float attn_mask)",
                        lambda Q, K, V, A: seed_code(Q, K, V, exp(A)), section="Programming II"),
            wrong=(Wrong("mask ignored", attention),
                   Wrong("mask multiplied instead of added", lambda Q, K, V, A:
                         softmax_rows(scores(Q, K) * A, K) @ V)),
        ),
        Derivative(
            name="grad-V",
            derivation=(
                r"f &= \langle G,PV\rangle = \textstyle\sum_{i,c}G_{ic}\sum_j P_{ij}V_{jc},\quad "
                r"P=\mathrm{softmax}(QK^T/\sqrt d)",
                r"\frac{\partial f}{\partial V_{jc}} &= \textstyle\sum_i P_{ij}G_{ic} = "
                r"(P^TG)_{jc}",
            ),
            asks=r"$\partial\langle G,\mathrm{softmax}(QK^T/\sqrt d)V\rangle/\partial V$ "
                 r"($S\times d_v$)",
            expression="sum(G .* (P @ V))", wrt="V",
            answer_latex=r"\mathrm{softmax}(QK^T/\sqrt d)^T G",
            wrong=(Wrong("unscaled scores", "softmax(Q @ K.T).T @ G"),
                   Wrong("column softmax", "softmax(K @ Q.T / sqrt(d)) @ G")),
        ),
        Derivative(
            name="grad-Q",
            derivation=(
                r"dP &= \frac{\partial f}{\partial P} = GV^T",
                r"dS_{ij} &= P_{ij}\big(dP_{ij}-\textstyle\sum_k P_{ik}dP_{ik}\big)\ \Rightarrow\ "
                r"dS = P\odot\big(dP-(P\odot dP)\mathbf{1}\mathbf{1}^T\big)",
                r"S &= QK^T/\sqrt d\ \Rightarrow\ \frac{\partial f}{\partial Q} = \tfrac{1}{\sqrt "
                r"d}\,dS\,K",
            ),
            asks=r"$\partial\langle G,\mathrm{softmax}(QK^T/\sqrt d)V\rangle/\partial Q$ "
                 r"($L\times d$)",
            expression="sum(G .* (P @ V))", wrt="Q",
            answer_latex=r"\tfrac{1}{\sqrt d}\big[P\odot\big(GV^T-(P\odot GV^T)\mathbf{1}"
                         r"\mathbf{1}^T\big)\big]K,\quad P=\mathrm{softmax}(QK^T/\sqrt d)",
            wrong=(Wrong("softmax Jacobian's rank-one term dropped",
                         "((P .* (G @ V.T)) @ K) / sqrt(d)"),
                   Wrong("1/sqrt(d) dropped",
                         "(P .* (G @ V.T - (P .* (G @ V.T)) @ ones(S, S))) @ K")),
        ),
    ),
)
