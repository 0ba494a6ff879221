"""What the deriver needs of trees: dependence on the variable (through defined sequences
too), fresh index names, substitution of an index, and first-order recurrences.

A sequence ``s`` defined by a case at one index (``h_0 = h0``) and a case at every other
index that uses only the entry before (``h_t = tanh(W h_{t-1} + x_t)``) is a first-order
recurrence: the one kind the deriver differentiates through (BPTT, LSTM chains).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Iterator

from derivekit.derivation.rules import CannotDerive
from derivekit.expr import build
from derivekit.expr.evaluate import exact
from derivekit.expr.tree import Node, Sequence, const, walk


def nodes(node: Node) -> Iterator[Node]:
    """Every node of ``node`` and of the cases of the sequences it refers to (once each)."""
    seen: set[int] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.args)
        if current.op == "seq" and id(current.value) not in seen:
            seen.add(id(current.value))
            sequence: Sequence = current.value
            stack.extend(body for _, body in sequence.fixed)
            if sequence.general is not None:
                stack.append(sequence.general)


class Dependence:
    """Whether subtrees depend on one variable, each answered once per derivation."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._known: dict[int, tuple[Node, bool]] = {}

    def __call__(self, node: Node) -> bool:
        found = self._known.get(id(node))
        if found is None:
            found = (node, any(n.op == "var" and n.value == self.name for n in nodes(node)))
            self._known[id(node)] = found
        return found[1]


def fresh(node: Node, *avoid: str) -> str:
    """An index letter used nowhere in ``node`` (nor in ``avoid``)."""
    used = {n.value for n in nodes(node) if n.op in ("index_var", "sum_over", "prod_over")}
    used |= {s.value.param for s in nodes(node) if s.op == "seq" and s.value.param}
    return next(c for c in "kjmlpqruvwabcdefghi" if c not in used and c not in avoid)


def substitute(node: Node, name: str, value: Node) -> Node:
    """``node`` with the index variable ``name`` replaced by ``value`` (not under a sum or
    product that binds the same letter again)."""
    if node.op == "index_var":
        return value if node.value == name else node
    if not node.args:
        return node
    args = tuple(a if node.op in ("sum_over", "prod_over") and node.value == name and i == 2
                 else substitute(a, name, value) for i, a in enumerate(node.args))
    if node.op == "seq":
        return build.sequence_ref(node.value, args[0])
    if node.op in ("sum_over", "prod_over"):
        return build.bounded(node.op[:-5], node.value, *args)
    return Node(node.op, args, node.shape, node.value)


def replace_nodes(node: Node, table: dict[Node, Node]) -> Node:
    """``node`` with every subtree found in ``table`` replaced (outermost first)."""
    if node in table:
        return table[node]
    if not node.args:
        return node
    return Node(node.op, tuple(replace_nodes(a, table) for a in node.args), node.shape,
                node.value)


def _offset(index: Node, letter: str) -> Fraction | None:
    """c when ``index`` is ``letter + c`` (checked at two values of the letter)."""
    values = []
    for k in (5, 11):
        value = exact(substitute(index, letter, const(k)))
        if value is None:
            return None
        values.append(value - k)
    return values[0] if values[0] == values[1] else None


@dataclass
class Recurrence:
    """s_base = start; s_k = step(s_{k-1}) for k > base."""

    sequence: Sequence
    base: Node
    start: Node

    def step(self, k: Node) -> Node:
        """The case at index ``k``."""
        sequence = self.sequence
        return substitute(sequence.general, sequence.param,
                          build.sub(k, const(sequence.offset)))

    def entry(self, k: Node) -> Node:
        return build.sequence_ref(self.sequence, k)

    def previous(self, k: Node) -> Node:
        return self.entry(build.sub(k, const(1)))


def recurrence(sequence: Sequence) -> Recurrence:
    """The recurrence behind ``sequence``, or CannotDerive saying what it lacks."""
    name = sequence.name
    if sequence.general is None or len(sequence.fixed) != 1:
        raise CannotDerive(f"the sequence {name} needs one starting case ({name}_0 = …) and "
                           f"one case at every index ({name}_t = … {name}_{{t-1}} …)")
    base, start = sequence.fixed[0]
    if exact(base) is None:
        raise CannotDerive(f"the starting index of {name} must be a number")
    letter = sequence.param
    for ref in walk(sequence.general):
        if ref.op == "seq" and ref.value is sequence:
            if _offset(ref.args[0], letter) != sequence.offset - 1:
                raise CannotDerive(f"{name} refers back more than one step (only first-order "
                                   "recurrences s_t = f(s_{t-1}) have a rule)")
    shape = sequence.shape or ()
    if len(shape) == 2 and shape[1] != 1:
        raise CannotDerive(f"the sequence {name} has matrix entries (columns and scalars "
                           "only)")
    return Recurrence(sequence, base, start)
