"""Seed 002 §5: gradients of a 2-D convolution layer are convolutions themselves."""

from derivekit.model import Claim, Derivative, Given, Problem, Source, Wrong

LOSS = "sum(G .* xcorr(X, F))"
"""Any L whose upstream gradient ∂L/∂O is G: L = Σ_ij G_ij O_ij (the linearisation)."""


PROBLEM = Problem(
    id="conv-layer-gradients",
    title="Backpropagation through a convolution: convolution in each direction",
    source=Source("002_a2d52afd229cfba6.txt", "5"),
    statement=(
        r"A layer computes $O=X*F$, $O_{ij}=\sum_{m,n}X_{i+m,j+n}F_{mn}$ (valid, no flip: the "
        r"seed's $*$). With $G=\partial L/\partial O$ given, show $\partial L/\partial F=X*G$ "
        r"and $\partial L/\partial X=F\otimes G$, where $(A\otimes B)_{ij}=\sum_{m,n}A_{mn}"
        r"B_{i-m,j-n}$ is the full convolution (equivalently, $G$ zero-padded and "
        r"cross-correlated with $F$ rotated by $180^\circ$)."
    ),
    givens=(Given("X", ("h", "w")), Given("F", ("k", "l")),
            Given("G", ("h-k+1", "w-l+1"), latex=r"\partial L/\partial O")),
    shapes=({"k": 3, "l": 2, "h": 3, "w": 3},  # first not square: the grader reads a
            {"k": 2, "l": 2, "h": 3, "w": 3},  # transposed ∂L/∂F off it
            {"k": 2, "l": 3, "h": 3, "w": 3}),
    parts=(
        Derivative(
            name="grad-filter",
            asks=r"$\partial L/\partial F$",
            expression=LOSS, wrt="F",
            answer_latex=r"X*\frac{\partial L}{\partial O},\ \text{i.e. } \frac{\partial L}"
                         r"{\partial F_{mn}}=\sum_{ij}\frac{\partial L}{\partial O_{ij}}"
                         r"X_{i+m,j+n}",
            derivation=(
                r"L &= \textstyle\sum_{ij}G_{ij}O_{ij},\quad \frac{\partial O_{ij}}{\partial "
                r"F_{mn}}=X_{i+m,j+n}",
                r"\frac{\partial L}{\partial F_{mn}} &= \textstyle\sum_{ij}G_{ij}X_{i+m,j+n} = "
                r"(X*G)_{mn}",
            ),
            claim=Claim(r"\frac{\partial L}{\partial F} = X * \frac{\partial L}{\partial O},\ "
                        r"\frac{\partial L}{\partial F_{m,n}} = \sum_i \sum_j \frac{\partial L}"
                        r"{\partial O_{i,j}} X_{i+m,j+n}", "xcorr(X, G)", section="5"),
            wrong=(Wrong("a true (flipped) convolution of X with ∂L/∂O", "conv(X, G)"),),
        ),
        Derivative(
            name="grad-input",
            asks=r"$\partial L/\partial X$",
            expression=LOSS, wrt="X",
            answer_latex=(r"F\otimes\frac{\partial L}{\partial O}=\operatorname{pad}_{k-1,l-1}"
                          r"\!\big(\tfrac{\partial L}{\partial O}\big)*\operatorname{rot}_{180}(F)"),
            derivation=(
                r"\frac{\partial O_{ij}}{\partial X_{ab}} &= F_{a-i,\,b-j}\quad (\text{zero "
                r"outside } F)",
                r"\frac{\partial L}{\partial X_{ab}} &= \textstyle\sum_{ij}G_{ij}F_{a-i,b-j} = "
                r"(G\otimes F)_{ab} = (F\otimes G)_{ab}",
                r"&= \big(\operatorname{pad}_{k-1,l-1}(G)*\operatorname{rot}_{180}(F)\big)_{ab}",
            ),
            notes="The full convolution commutes: F ⊗ G = G ⊗ F = pad(G, k-1, l-1) ⋆ rot180(F).",
            claim=Claim(r"\frac{\partial L}{\partial X_{i,j}} = \sum_m \sum_n \frac{\partial L}"
                        r"{\partial O_{m,n}} F_{i-m,j-n},\ \text{i.e. } \frac{\partial L}"
                        r"{\partial X} = F \otimes \frac{\partial L}{\partial O}",
                        "conv_full(F, G)", section="5"),
            wrong=(Wrong("padded ∂L/∂O cross-correlated with F unflipped",
                         "xcorr(pad(G, k-1, l-1), F)"),),
        ),
    ),
)
