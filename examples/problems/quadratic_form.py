"""The README's "Add a problem" example: a one-problem pack (derivekit verify --all --problems
examples/problems, or pytest in examples/)."""

from derivekit.model import Derivative, Given, Problem, Source, Wrong
from derivekit.ops import scalar

PROBLEM = Problem(
    id="quadratic-form",
    title="Gradient of a quadratic form",
    source=Source("000_b77450bb05363a64.txt", "1.1"),
    statement=r"Find $\nabla_x\, x^T A x$.",
    givens=(Given("x", ("n", 1)), Given("A", ("n", "n"))),
    shapes=({"n": 2}, {"n": 3}, {"n": 5}),
    parts=(
        Derivative(name="grad", asks=r"$\nabla_x x^TAx$", of=lambda x, A: scalar(x.T @ A @ x),
                   wrt="x", answer=lambda x, A: (A + A.T) @ x,
                   answer_latex=r"(A + A^T)x",
                   wrong=(Wrong("assumed A symmetric", lambda x, A: 2 * A @ x),)),
    ),
)
