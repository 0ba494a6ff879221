"""The README's "Add a problem" example: a one-problem pack (derivekit verify --all --problems
examples/problems, or pytest in examples/)."""

from derivekit.model import SIMPLEX, Claim, Derivative, Given, Problem, Source, Wrong

PROBLEM = Problem(
    id="softmax-regression",
    title="Gradient of softmax cross-entropy",
    source=Source("sheet-3.pdf", "2(a)"),
    statement=r"$\hat o = \mathrm{softmax}(Wx)$, $E = -\sum_k o_k \log \hat o_k$. Find $\partial E/\partial W$.",
    givens=(Given("W", ("K", "n")), Given("x", ("n", 1)), Given("o", ("K", 1), SIMPLEX),
            Given("ohat", ("K", 1), latex=r"\hat o", definition="softmax(W @ x)")),
    shapes=({"K": 2, "n": 3}, {"K": 3, "n": 1}, {"K": 4, "n": 2}),
    parts=(
        Derivative(name="grad-W", asks=r"$\partial E/\partial W$",
                   expression="-sum(o .* log(ohat))", wrt="W",
                   answer_latex=r"(\hat o - o)x^T",          # the sheet's wording (optional)
                   claim=Claim(r"(\hat o - o)x^T", "(ohat - o) @ x.T"),   # the source's answer
                   wrong=(Wrong("transposed", "x @ (ohat - o).T"),)),
    ),
)
