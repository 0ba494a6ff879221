"""Cheap exact zero tests: a proof when they succeed, silence (False) when they cannot tell."""

from __future__ import annotations

from typing import Any

import sympy

_BUDGET = 150
"""Rewriting is tried only on expressions with fewer operations than this: expanding a large
rational function of exponentials can take minutes. (``simplify`` is never called: it costs
a second even where it proves nothing.)"""


_MAX_TERMS = 400
"""Expanding a product of m sums multiplies their term counts: refuse beyond this."""


def _terms_after_expand(e: Any) -> int:
    if isinstance(e, sympy.Add):
        return sum(_terms_after_expand(a) for a in e.args)
    if isinstance(e, sympy.Mul):
        count = 1
        for a in e.args:
            count *= _terms_after_expand(a)
        return count
    if isinstance(e, sympy.Pow) and e.exp.is_Integer and e.exp > 0:
        return _terms_after_expand(e.base) ** int(e.exp)
    return 1


def _zero(e: Any) -> bool:
    if e == 0:
        return True
    if sympy.count_ops(e) > _BUDGET or _terms_after_expand(e) > _MAX_TERMS:
        return False
    e = e.replace(lambda x: isinstance(x, sympy.log), lambda x: sympy.log(sympy.factor(x.args[0])))
    e = sympy.expand(sympy.expand_log(e, force=True))
    if e == 0:
        return True
    if sympy.count_ops(e) > _BUDGET:
        return False
    return sympy.cancel(sympy.together(e)) == 0


def proves_zero(entries: list[Any]) -> bool:
    """True when SymPy reduces every entry to 0 exactly; False means 'not shown'."""
    return all(_zero(e) for e in entries)
