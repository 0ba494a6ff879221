"""Whether a typed answer is written in the form a question asks for: a sum of products, a
polynomial expanded in one name, a closed form, a matrix form.

Value equivalence says an answer is right; a question that asks for a form also wants it
written that way (the K-map's sum of products, not the XOR it simplifies to). Each check
reads the typed tree as the student wrote it and returns why it is not in the form, or ''.
"""

from __future__ import annotations

import re
from typing import Callable

from derivekit.expr.tree import Node, walk

_PRODUCTS = ("scale", "matmul", "hadamard", "kron", "and")
_SUMS = ("add", "sub")


def violation(form: str, nodes: list[Node]) -> str:
    """Why ``nodes`` (the graded values of one answer) are not in ``form``, or ''."""
    expanded = re.fullmatch(r"expanded in (\w+)", form)
    if expanded:
        check: Callable[[Node], str] = lambda n: _not_expanded(n, expanded.group(1))  # noqa: E731
    else:
        check = {"sum of products": _not_sum_of_products, "closed form": _recursive,
                 "matrix form": _index_sum}[form]
    items = [item for node in nodes for item in (node.args if node.op == "tuple" else (node,))]
    return next((why for why in map(check, items) if why), "")


def _literal(node: Node) -> bool:
    """An input, or its negation (``\\bar A``, ``not A``, arithmetic ``1 - A``)."""
    negated = (node.op == "not" and node.args[0]) or (
        node.op == "sub" and node.args[0].op == "const" and node.args[0].value == 1
        and node.args[1])
    return node.op == "var" or (bool(negated) and negated.op == "var")


def _conjunction(node: Node) -> bool:
    return _literal(node) or (node.op in _PRODUCTS and all(map(_conjunction, node.args)))


def _not_sum_of_products(node: Node) -> str:
    """An OR of terms, each an AND of inputs and negated inputs (no XOR, no negated term,
    no product of sums)."""
    terms, stack = [], [node]
    while stack:
        current = stack.pop()
        if current.op == "or":
            stack.extend(current.args)
        else:
            terms.append(current)
    bad = next((t for t in terms if not _conjunction(t)), None)
    if bad is None:
        return ""
    from derivekit.expr.render import ascii_

    return f"the term {_short(ascii_(bad))} is not a product of inputs and negated inputs"


def _mentions(node: Node, name: str) -> bool:
    return any(n.op == "var" and n.value == name for n in walk(node))


def _not_expanded(node: Node, name: str) -> str:
    """No power of a sum in ``name``, and no product of two factors in ``name`` one of which
    is such a sum: each power of ``name`` stands in its own term (factoring out what does not
    depend on it is fine)."""
    from derivekit.expr.render import ascii_

    def sum_in_name(n: Node) -> bool:
        while n.op in ("neg", "T", "alias"):
            n = n.args[0]
        return n.op in _SUMS and _mentions(n, name)

    for n in walk(node):
        if n.op in ("pow", "matpow") and sum_in_name(n.args[0]):
            return f"{_short(ascii_(n))} is a power of a sum in {name}: expand it"
        if n.op in _PRODUCTS and len(n.args) == 2 and all(_mentions(a, name) for a in n.args) \
                and any(sum_in_name(a) for a in n.args):
            return f"{_short(ascii_(n))} multiplies out to more terms in {name}: expand it"
    return ""


def _recursive(node: Node) -> str:
    """No sequence defined through its own earlier terms (``RF_i = RF_{i-1} + …``)."""
    found = next((n for n in walk(node) if n.op == "seq"), None)
    return f"{found.value.name} is defined by a recursion; write it without one" if found \
        else ""


def _index_sum(node: Node) -> str:
    """No sum or product over an index: the matrices do the summing."""
    found = next((n for n in walk(node) if n.op in ("sum_over", "prod_over")), None)
    return (f"it sums over the index {found.value}; write it with matrices (X^T(Xw - t))"
            if found else "")


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:39] + "…"
