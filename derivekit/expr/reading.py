"""How a problem's notation is read: its givens are the names a text may use (dimension
names are numbers), and the names its statement defines stand for their definitions.

Problem files (expressions, definitions, claims) and the point sampler (which computes each
defined given from its definition) read text through one :class:`Reading`.
"""

from __future__ import annotations

from typing import Iterable, Sequence

from typing import TYPE_CHECKING

from derivekit.errors import DerivekitError, ProblemDefinitionError
from derivekit.expr import build
from derivekit.expr.tree import Node, expand, is_scalar, walk
from derivekit.model import Given

if TYPE_CHECKING:
    from derivekit.expr.resolve import Scope


class Reading:
    """How one problem's notation is read: its givens are the names (dimension names are
    numbers), and defined givens stand for their definitions."""

    def __init__(self, problem_id: str, givens: Sequence[Given]) -> None:
        self.problem_id = problem_id
        self.shapes = {g.name: g.shape for g in givens}
        self.latex = {g.name: g.latex for g in givens if g.latex}
        self.definition_texts = {g.name: g.definition for g in givens if g.definition}
        self.sums_to_one = tuple(g.name for g in givens if g.domain.kind in ("simplex", "onehot"))
        self._definitions: dict[str, Node] | None = None

    def scope(self) -> Scope:
        from derivekit.expr.resolve import scope_from

        scope = scope_from(self.shapes, self.latex)
        for dimension in sorted({d for s in self.shapes.values() for d in s
                                 if isinstance(d, str)}):
            if scope.lookup(dimension) is None:  # sum_{i=1}^{n}, 1/n
                scope.add(dimension, ())
        return scope

    def read(self, text: str, what: str) -> Node:
        """``text`` as a typed tree (with its ``where`` clause: named values and sequences,
        ``… where h_t = tanh(W h_{t-1} + x_t)``); a mistake in a problem file is one line
        naming it."""
        from derivekit.expr.parse import parse, split_definitions
        from derivekit.expr.resolve import resolve

        try:
            body, definitions = split_definitions(text)
            return resolve(parse(body), self.scope(), definitions)
        except DerivekitError as exc:
            raise ProblemDefinitionError(f"{self.problem_id}: {what} {text!r}: {exc}") from None

    def definitions(self) -> dict[str, Node]:
        """Each defined given's tree as written (it may use earlier defined names)."""
        if self._definitions is None:
            trees = {}
            for name, text in self.definition_texts.items():
                tree = self.read(text, f"the definition of {name}")
                declared = tuple(build.canonical_size(d) for d in self.shapes[name])
                if tuple(tree.shape) != declared and not (
                        is_scalar(tree.shape) and is_scalar(declared)):
                    raise ProblemDefinitionError(
                        f"{self.problem_id}: {name} is declared {self.shapes[name]} but its "
                        f"definition {text!r} has shape {tree.shape}")
                trees[name] = tree
            self._definitions = trees
        return self._definitions

    def expanded(self, node: Node, keep: Iterable[str] = ()) -> Node:
        """``node`` with every defined name not in ``keep`` replaced by its definition."""
        definitions = self.definitions()
        keep = set(keep)
        opened = {name: tree for name, tree in definitions.items() if name not in keep}
        while any(n.op == "var" and n.value in opened for n in walk(node)):
            node = expand(node, opened)
        return node

    def value(self, tree: Node, values: dict) -> object:
        """``tree`` evaluated at ``values``; a 1x1 value of a scalar-shaped tree is the scalar
        (``v3 @ z2``, ``g.T @ h``: a number, as a person means it)."""
        from derivekit.expr.evaluate import evaluate
        from derivekit.ops import scalar

        out = evaluate(tree, values, self.shapes)
        return scalar(out) if is_scalar(tree.shape) and getattr(out, "ndim", 0) else out

    def facts(self) -> dict[Node, Node]:
        """What the domains guarantee, for printed forms: a probability vector or a one-hot
        label sums to 1 (softmax cross-entropy's gradient then reads ŷ - y)."""
        from derivekit.expr.tree import const, var

        return {build.apply("total", var(name, self.shapes[name])): const(1)
                for name in self.sums_to_one}

    def contractions(self, keep: Iterable[str] = ()) -> dict[str, Node]:
        """Each defined name (but those in ``keep``) as its fully expanded tree, for writing
        a result with the names a person uses."""
        return {name: self.expanded(tree, keep) for name, tree in self.definitions().items()
                if name not in set(keep)}


def walk(node):  # noqa: ANN001, ANN202
    from derivekit.expr.tree import walk

    return walk(node)
