"""Explicit symbolic givens at a concrete shape, and numeric evaluation of what SymPy derives.

Symbolic values are NumPy object arrays of SymPy symbols, so a problem's function runs on them
with exactly the NumPy semantics it has on numbers (``@``, broadcasting ``1 - D``, ``.T``).
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

import numpy as np
import sympy

from derivekit.model import Given
from derivekit.ops import symbolic_constants
from derivekit.points import call, concrete

SymbolTable = list[tuple[sympy.Symbol, str, tuple[int, ...]]]
"""(symbol, given name, index into the given's value) for every scalar unknown."""

_POSITIVE = {"positive", "unit", "simplex"}


def symbolic_givens(givens: Sequence[Given], dims: Mapping[str, int], constrained: bool = False
                    ) -> tuple[dict[str, Any], SymbolTable]:
    """SymPy values for the givens: a Symbol for a scalar, an object array of Symbols otherwise.

    Symmetric domains (spd) share one symbol between (i, j) and (j, i). With ``constrained``,
    the last entry of a probability vector is 1 minus the others, so identities that need the
    entries to sum to 1 can be shown (derivatives use free entries: they stay small).
    """
    values: dict[str, Any] = {}
    table: SymbolTable = []
    for g in givens:
        assumptions = {"positive": True} if g.domain.kind in _POSITIVE else {"real": True}
        shape = concrete(g.shape, dims)
        if shape == ():
            s = sympy.Symbol(g.name, **assumptions)
            values[g.name] = s
            table.append((s, g.name, ()))
            continue
        array = np.empty(shape, dtype=object)
        for index in np.ndindex(shape):
            if g.domain.kind == "spd" and index[1] < index[0]:
                array[index] = array[index[1], index[0]]
                continue
            s = sympy.Symbol(f"{g.name}_{'_'.join(map(str, index))}", **assumptions)
            array[index] = s
            table.append((s, g.name, index))
        if constrained and g.domain.kind == "simplex":
            flat = array.reshape(-1)
            flat[-1] = 1 - sum(flat[:-1])
            table.pop()
        values[g.name] = array
    return values, table


def trace(fn: Callable, values: Mapping[str, Any], *leading: Any) -> Any:
    """Call a problem function on symbolic values (plain numbers inside become exact)."""
    with symbolic_constants():
        return call(fn, values, *leading)


def entries(value: Any) -> list[Any]:
    """The scalar entries of a symbolic value, row-major (a scalar is one entry)."""
    if isinstance(value, np.ndarray):
        return [sympy.sympify(e) for e in value.ravel()]
    return [sympy.sympify(value)]


def evaluator(exprs: Sequence[Any], table: SymbolTable) -> Callable[[Mapping[str, np.ndarray]],
                                                                   np.ndarray]:
    """Compile ``exprs`` once; the result maps stacked values (points first) to (points, len)."""
    symbols = [s for s, _, _ in table]
    fn = sympy.lambdify(symbols, list(exprs), modules="numpy", cse=True)

    def evaluate(stacked: Mapping[str, np.ndarray]) -> np.ndarray:
        args = [stacked[name][(slice(None), *index)] for _, name, index in table]
        points = len(args[0]) if args else 1
        columns = [np.broadcast_to(np.asarray(v, dtype=float), (points,)) for v in fn(*args)]
        return np.stack(columns, axis=1) if columns else np.zeros((points, 0))

    return evaluate
