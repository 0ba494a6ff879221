"""Gradients and Jacobians: component-wise SymPy, JAX autodiff and finite differences."""

from __future__ import annotations

import numpy as np

from derivekit.derivation.statement import Derived, Notation
from derivekit.derivation.symbols import Symbolic
from derivekit.expr.reading import Reading
from derivekit.layout import arrange, kind_of
from derivekit.model import Derivative, Problem
from derivekit.ops import SymbolicUnsupported
from derivekit.points import AVOID_MARGIN, call, concrete, shape_sets
from derivekit.verdict import WitnessResult
from derivekit.witness import autodiff, finite_difference
from derivekit.witness.compare import Tally, not_applicable


def output_shape(part: Derivative, values: dict) -> tuple[int, ...]:
    out = np.asarray(call(part.of, values))
    return () if out.size == 1 else out.shape


def check(problem: Problem, part: Derivative, seed: int) -> tuple[str, tuple[WitnessResult, ...]]:
    """Returns what was asked ('gradient' or 'jacobian') and the three witnesses."""
    sym = Tally("symbolic-componentwise")
    jax_ = Tally("jax-autodiff")
    fd = Tally("finite-difference", rtol=finite_difference.RTOL, atol=finite_difference.ATOL)
    asks, redraws, symbolic_gap = "derivative", 0, ""
    for dims, points, stacked, spent in shape_sets(problem, part, seed):
        redraws += spent
        in_shape = concrete(problem.given(part.wrt).shape, dims)
        out_shape = output_shape(part, points[0])
        asks = kind_of(out_shape)
        for tally in (sym, jax_, fd):
            tally.shape_set(dims)
        answers = [call(part.answer, p) for p in points]

        tensors = autodiff.jacobians(part.of, part.wrt, stacked, scalar=out_shape == ())
        for i, p in enumerate(points):
            where = f"shapes {dims}, point {i}"
            jax_.compare(answers[i], arrange(tensors[i], out_shape, in_shape, part.layout), where,
                         point=i)
            fd_tensor = finite_difference.jacobian(part.of, part.wrt, p)
            fd.compare(answers[i], arrange(fd_tensor, out_shape, in_shape, part.layout), where,
                       point=i)

        if symbolic_gap:
            continue
        try:
            truths = _componentwise(problem, part, dims, stacked)
        except SymbolicUnsupported as exc:
            symbolic_gap = str(exc)
            continue
        for i, truth in enumerate(truths):
            where = f"shapes {dims}, point {i}"
            sym.compare(answers[i], arrange(truth, out_shape, in_shape, part.layout), where,
                        point=i)
    if part.avoid is not None:
        note = (f"points kept |{getattr(part.avoid, '__name__', 'avoid')}| >= {AVOID_MARGIN} "
                f"(non-smooth set avoided, {redraws} redraws)")
        for tally in (sym, jax_, fd):
            tally.notes.append(note)
    symbolic = (not_applicable(sym.name, f"{symbolic_gap}; the numeric witnesses decide")
                if symbolic_gap else
                sym.result("entry-by-entry symbolic diff (SymEngine) on explicit matrices"))
    witnesses = (symbolic, jax_.result("jax.jacrev, float64"),
                 fd.result("central differences, h = 1e-6·max(1,|x|)"))
    if part.expression:
        witnesses += (_matrix_deriver(problem, part, seed),)
    return asks, witnesses


def _matrix_deriver(problem: Problem, part: Derivative, seed: int) -> WitnessResult:
    """The part's answer against the matrix deriver's derivation of its expression (and,
    where the part also states ``of`` in Python, the expression against it)."""
    from derivekit.expr.render import ascii_

    stated = isinstance(part.of, Notation)
    function = part.of if stated else Notation(Reading(problem.id, problem.givens),
                                               part.expression, f"{part.name}: expression",
                                               expand=True, keep={part.wrt})
    derived = Derived(function, part.wrt, part.layout)
    tally = Tally("matrix-deriver")
    for dims, points, _, _ in shape_sets(problem, part, seed):
        tally.shape_set(dims)
        for i, p in enumerate(points):
            where = f"shapes {dims}, point {i}"
            if not stated:
                value = np.asarray(call(part.of, p), dtype=float)
                tally.compare(np.asarray(function(**p), dtype=float).reshape(value.shape),
                              value, f"expression vs of, {where}", point=i)
            answer = np.asarray(call(part.answer, p), dtype=float)
            value = np.asarray(derived(**p), dtype=float)
            tally.compare(answer, value.reshape(answer.shape) if value.size == answer.size
                          else value, where, point=i)
    own = isinstance(part.answer, Derived) and part.answer.function is function
    claim = "the part's answer is this derivation" if own else "the part's answer equals it"
    return tally.result(f"derived by differentials ({claim}): {ascii_(derived.tree())}")


def _componentwise(problem: Problem, part: Derivative, dims: dict, stacked: dict) -> np.ndarray:
    """Ground truth: every entry of the output differentiated by every entry of ``wrt``."""
    sym = Symbolic(problem.givens, dims, library="symengine")
    outputs = sym.entries(sym.trace(part.of))
    inputs = sym.entries(sym.values[part.wrt])
    flat = sym.evaluator(sym.derivatives(outputs, inputs))(stacked)
    return flat.reshape(flat.shape[0], len(outputs), len(inputs))
