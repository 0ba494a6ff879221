"""Explicit symbolic givens at a concrete shape, and numeric evaluation of what is derived.

Symbolic values are NumPy object arrays of scalar symbols, so a problem's function runs on
them with exactly the NumPy semantics it has on numbers (``@``, broadcasting ``1 - D``,
``.T``). Two libraries can hold the symbols: SymEngine (SymPy's C++ core, a thousand times
faster at differentiating the large entry-wise expressions of a Jacobian) for derivation, and
SymPy itself where exact rewriting is needed (simplify, polynomial moments, induction).
"""

from __future__ import annotations

import importlib
from typing import Any, Callable, Literal, Mapping, Sequence

import numpy as np

from derivekit.model import Given
from derivekit.ops import SymbolicUnsupported, symbolic
from derivekit.points import call, concrete

Library = Literal["sympy", "symengine"]
SymbolTable = list[tuple[Any, str, tuple[int, ...]]]
"""(symbol, given name, index into the given's value) for every scalar unknown."""

_POSITIVE = {"positive", "unit", "simplex"}


class Symbolic:
    """Symbolic givens at one shape set, in one library, and what can be done with them."""

    def __init__(self, givens: Sequence[Given], dims: Mapping[str, int],
                 library: Library = "sympy", constrained: bool = False) -> None:
        """``constrained``: the last entry of a probability vector is 1 minus the others, so
        identities that need the entries to sum to 1 can be shown (derivatives keep free
        entries: their expressions stay small). Symmetric (spd) givens share (i, j) and (j, i).
        """
        self.library = library
        self.lib = importlib.import_module(library)
        self.values: dict[str, Any] = {}
        self.table: SymbolTable = []
        for g in givens:
            self.values[g.name] = self._given(g, concrete(g.shape, dims), constrained)

    def _symbol(self, name: str, kind: str) -> Any:
        if self.library == "sympy":
            assumptions = {"positive": True} if kind in _POSITIVE else {"real": True}
            if kind == "integer":
                assumptions = {"integer": True}
            return self.lib.Symbol(name, **assumptions)
        return self.lib.Symbol(name)

    def _given(self, g: Given, shape: tuple[int, ...], constrained: bool) -> Any:
        if shape == ():
            s = self._symbol(g.name, g.domain.kind)
            self.table.append((s, g.name, ()))
            return s
        array = np.empty(shape, dtype=object)
        for index in np.ndindex(shape):
            if g.domain.kind == "spd" and index[1] < index[0]:
                array[index] = array[index[1], index[0]]
                continue
            s = self._symbol(f"{g.name}_{'_'.join(map(str, index))}", g.domain.kind)
            array[index] = s
            self.table.append((s, g.name, index))
        if constrained and g.domain.kind == "simplex":
            flat = array.reshape(-1)
            flat[-1] = 1 - sum(flat[:-1])
            self.table.pop()
        return array

    def trace(self, fn: Callable, *leading: Any, **overrides: Any) -> Any:
        """Call a problem function on the symbols (plain numbers inside become exact)."""
        with symbolic(self.library):
            return call(fn, {**self.values, **overrides}, *leading)

    def entries(self, value: Any) -> list[Any]:
        """The scalar entries of a symbolic value, row-major (a scalar is one entry)."""
        flat = value.ravel() if isinstance(value, np.ndarray) else [value]
        return [self.lib.sympify(e) for e in flat]

    def derivatives(self, outputs: Sequence[Any], inputs: Sequence[Any]) -> list[Any]:
        """d output / d input for every pair, outputs outer, entry by entry."""
        return [o.diff(x) for o in outputs for x in inputs]

    def evaluator(self, exprs: Sequence[Any]) -> Callable[[Mapping[str, np.ndarray]], np.ndarray]:
        """Compile ``exprs`` once; the result maps stacked values (points first) to
        an array of shape (points, len(exprs))."""
        symbols = [s for s, _, _ in self.table]
        if self.library == "symengine":
            # cse=True gives wrong numbers in SymEngine 0.15 (seen on a ridge gradient).
            try:
                compiled = self.lib.Lambdify(symbols, list(exprs), backend="lambda")
            except RuntimeError:  # |x|, max, steps: SymEngine cannot compile their slopes
                raise SymbolicUnsupported("SymEngine cannot evaluate the entry-wise "
                                          "derivatives (|·|, max or a step)") from None

            def run(args: list[np.ndarray]) -> np.ndarray:
                return np.asarray(compiled(np.stack(args, axis=1)), dtype=float).reshape(
                    len(args[0]), len(exprs))
        else:
            compiled = self.lib.lambdify(symbols, list(exprs), modules="numpy", cse=True)

            def run(args: list[np.ndarray]) -> np.ndarray:
                points = len(args[0])
                return np.stack([np.broadcast_to(np.asarray(v, dtype=float), (points,))
                                 for v in compiled(*args)], axis=1)

        def evaluate(stacked: Mapping[str, np.ndarray]) -> np.ndarray:
            args = [np.asarray(stacked[name][(slice(None), *index)], dtype=float)
                    for _, name, index in self.table]
            return run(args)

        return evaluate
