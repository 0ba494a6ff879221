"""State a problem's derivative parts from their text: the function, the derived closed form,
and the claims written in the notation, each as a function of the givens.

A problem file holds text (``expression="-sum(o .* log(ohat))"``, ``Wrong("…", "ohat")``,
``Given("ohat", …, definition="softmax(z2)")``). The registry passes every loaded problem
through :func:`state`, which fills ``of`` and ``answer`` with callables that read their text
the first time they are called: a command that never evaluates a part (``list``, ``check``
of another part) does not pay for parsing or deriving it.

The function a part differentiates is its expression with every defined name replaced by
its definition, except the variable itself: ∂E/∂z₂ keeps z₂ a variable and reads ô =
softmax(z₂) through it, the way backprop defines δ₂.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Iterable

from derivekit.errors import DerivekitError, ProblemDefinitionError
from derivekit.expr.reading import Reading
from derivekit.expr.tree import walk
from derivekit.model import Claim, Derivative, Part, Problem, Wrong

KINKS = ("relu", "step", "abs", "sign", "nonneg")
"""Ops whose argument the sampler keeps away from 0 (non-differentiable there)."""
_KINK_WORDS = re.compile(r"\b(?:relu|max|min|abs|step|sign|maxpool)\b|\||\\mathbb\{?1|1\[",
                         re.IGNORECASE)


class Notation:
    """A function of the givens written in derivekit's notation, read when first called.

    ``expand`` opens the defined names (but ``keep``) for a function that is differentiated;
    a claimed answer evaluates defined names directly, since every point carries their value.
    """

    def __init__(self, reading: Reading, text: str, what: str, expand: bool = False,
                 keep: Iterable[str] = ()) -> None:
        self.reading = reading
        self.text = text
        self.what = what
        self.expand = expand
        self.keep = frozenset(keep)
        self._tree = None
        self._derived: dict[tuple[str, str, bool], Any] = {}
        self.__name__ = what

    def tree(self):  # noqa: ANN201
        if self._tree is None:
            tree = self.reading.read(self.text, self.what)
            self._tree = self.reading.expanded(tree, self.keep) if self.expand else tree
        return self._tree

    def __call__(self, **values: Any) -> Any:
        return self.reading.value(self.tree(), values)

    def derivation(self, wrt: str, layout: str, textbook: bool = False):  # noqa: ANN201
        """The matrix deriver's d(self)/d(wrt), computed once per layout and form."""
        from derivekit.derivation.matrix import derivative
        from derivekit.expr.tree import var

        key = (wrt, layout, textbook)
        if key not in self._derived:
            try:
                self._derived[key] = derivative(self.tree(), var(wrt, self.reading.shapes[wrt]),
                                                layout, textbook=textbook,
                                                facts=self.reading.facts())
            except DerivekitError as exc:
                raise ProblemDefinitionError(f"{self.reading.problem_id}: {self.what}: "
                                             f"{exc}") from None
        return self._derived[key]

    def __repr__(self) -> str:
        return f"Notation({self.text!r})"


class Derived:
    """The closed form the matrix deriver derives for a part: its answer when the part
    claims none."""

    def __init__(self, function: Notation, wrt: str, layout: str) -> None:
        self.function = function
        self.wrt = wrt
        self.layout = layout
        self.__name__ = f"d/d{wrt}"

    def tree(self):  # noqa: ANN201
        return self.function.derivation(self.wrt, self.layout).result

    def __call__(self, **values: Any) -> Any:
        return self.function.reading.value(self.tree(), values)

    def textbook(self):  # noqa: ANN201
        """The simplified result written with the defined names (ô, h, z₁): what a sheet
        prints."""
        from derivekit.expr.tree import contract

        result = self.function.derivation(self.wrt, self.layout, textbook=True).result
        return contract(result, self.function.reading.contractions({self.wrt}))

    def __repr__(self) -> str:
        return f"Derived(d/d{self.wrt} of {self.function.text!r})"


class Kinks:
    """The arguments of a function's non-smooth pieces (ReLU, |·|, max, steps), flattened:
    the sampler redraws a point until each is at least a margin from 0."""

    def __init__(self, function: Notation) -> None:
        self.function = function
        self.__name__ = "kinks"
        self._arguments = None

    def __call__(self, **values: Any) -> Any:
        import numpy as np

        from derivekit.expr.evaluate import evaluate

        if self._arguments is None:
            tree = self.function.reading.expanded(self.function.tree())
            self._arguments = [n.args[0] for n in walk(tree) if n.op in KINKS]
        shapes = self.function.reading.shapes
        flat = [np.ravel(np.asarray(evaluate(a, values, shapes), dtype=float))
                for a in self._arguments]
        return np.concatenate(flat) if flat else np.array([np.inf])


def derived_of(part: Part) -> Derived | None:
    """The derivation behind a part stated by its expression (None for other parts)."""
    function = getattr(part, "of", None)
    if isinstance(function, Notation) and isinstance(part, Derivative):
        return Derived(function, part.wrt, part.layout)
    return None


def state(problem: Problem) -> Problem:
    """``problem`` with its derivative parts' text read as functions (lazily)."""
    if not any(isinstance(p, Derivative) for p in problem.parts):
        return problem
    reading = Reading(problem.id, problem.givens)
    parts = tuple(_state(reading, p) if isinstance(p, Derivative) else p for p in problem.parts)
    return replace(problem, parts=parts)


def _state(reading: Reading, part: Derivative) -> Derivative:
    here = f"{part.name}:"
    changes: dict[str, Any] = {}
    if part.expression:
        function = Notation(reading, part.expression, f"{here} expression", expand=True,
                            keep={part.wrt})
        if part.of is None:
            changes["of"] = function
        if part.answer is None:
            changes["answer"] = Derived(function, part.wrt, part.layout)
        if part.avoid is None and _has_kinks(reading, part.expression):
            changes["avoid"] = Kinks(function)
    if isinstance(part.answer, str):
        changes["answer"] = Notation(reading, part.answer, f"{here} answer")
    if isinstance(part.avoid, str):
        changes["avoid"] = Notation(reading, part.avoid, f"{here} avoid")
    wrongs = tuple(_claimed(reading, w, f"{here} wrong answer {w.label!r}") for w in part.wrong)
    if wrongs != part.wrong:
        changes["wrong"] = wrongs
    if part.claim is not None:
        claim = _claimed(reading, part.claim, f"{here} claim")
        if isinstance(claim.holds_value, str):
            claim = replace(claim, holds_value=Notation(reading, claim.holds_value,
                                                        f"{here} claim (as it holds)"))
        changes["claim"] = claim
    if not part.answer_latex:
        changes["answer_latex"] = _printed(reading, changes.get("answer", part.answer))
    return replace(part, **changes) if changes else part


def _claimed(reading: Reading, item: Wrong | Claim, what: str) -> Any:
    """A wrong answer or a seed claim written in the notation, as a function."""
    if isinstance(item.value, str) and item.field is None:
        return replace(item, value=Notation(reading, item.value, what))
    return item


def _has_kinks(reading: Reading, text: str) -> bool:
    """Whether the expression, or a definition it can reach, has a non-smooth piece (read
    from the text: deciding must not cost a parse)."""
    texts = [text, *reading.definition_texts.values()]
    return any(_KINK_WORDS.search(t) for t in texts)


def _printed(reading: Reading, answer: Any) -> str:
    """The LaTeX of a derived or notation answer, for a part whose file gives no wording."""
    from derivekit.expr.render import latex

    if isinstance(answer, Derived):
        return latex(answer.textbook(), reading.latex)
    if isinstance(answer, Notation):
        return latex(answer.tree(), reading.latex)
    return ""
