"""Grade a typed answer against a part's verified truth, with STACK-style feedback.

The answer is parsed by the grammar (never evaluated as code), its names resolved against the
problem's givens, and its value compared with the part's closed form at the same random
points and shapes the witnesses use. A mismatch comes with a counterexample and, when one
explains it, a diagnosis: transposed / wrong layout, sign flipped, constant factor, an extra
or missing term, wrong shape.
"""

from __future__ import annotations

import ctypes
import functools
import inspect
import re
import signal
import threading
import warnings
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass, fields
from fractions import Fraction
from typing import Any, Callable, Iterator, Mapping, TypeVar

import numpy as np

from derivekit import ops
from derivekit.display import Displayable
from derivekit.errors import DerivekitError
from derivekit.expr import build, forms
from derivekit.expr.evaluate import check_cost, cost, evaluate, exact
from derivekit.expr.parse import (check_length, depth_at, parse, split_definitions,
                                  top_level_split, without_remarks)
from derivekit.expr.render import ascii_, latex
from derivekit.expr.resolve import Scope, resolve, resolve_all
from derivekit.expr.tree import Node, shape_text, walk
from derivekit.model import AnswerReader, ConvergenceRange, Derivative, Iteration, Part, Problem
from derivekit.points import call, shape_sets
from derivekit.witness.compare import ATOL, RTOL

TIMEOUT_S = 3.0
VERDICTS = ("equivalent", "equivalent-wrong-form", "not-equivalent", "invalid")
"""``equivalent-wrong-form``: equal in value, but the part asks for a form (``Part.form``)
the answer is not written in."""


@dataclass
class Feedback(Displayable):
    problem: str
    part: str
    answer: str
    verdict: str
    interpreted: str = ""
    interpreted_latex: str = ""
    layout: str | None = None
    form: str = ""
    """The form the part asks for, when it asks for one."""
    message: str = ""
    diagnosis: str = ""
    counterexample: dict[str, Any] | None = None
    evidence: str = ""
    """How equivalence was established: numerically at N points, and symbolically when SymPy
    could decide (at the smallest shape set)."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class AnswerTimeout(DerivekitError):
    """Checking one answer took longer than the limit."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Interrupt pure-Python work after ``seconds``: by SIGALRM in the main thread, by an
    exception raised in the thread otherwise (a Dask worker grades in a task thread)."""
    if threading.current_thread() is not threading.main_thread():
        with _thread_time_limit(seconds):
            yield
        return
    if not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise AnswerTimeout(_took_too_long(seconds))

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _took_too_long(seconds: float) -> str:
    return f"checking took longer than {seconds:g} s"


@contextmanager
def _thread_time_limit(seconds: float) -> Iterator[None]:
    """A timer thread raises an AnswerTimeout in this thread if the block is still running;
    a lock makes sure it can never land after the block."""
    message = _took_too_long(seconds)

    class Expired(AnswerTimeout):
        def __init__(self) -> None:  # raised by class: no arguments
            super().__init__(message)

    thread_id = ctypes.c_ulong(threading.get_ident())
    lock, running = threading.Lock(), [True]

    def expire() -> None:
        with lock:
            if running[0]:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(thread_id, ctypes.py_object(Expired))
    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            running[0] = False
            timer.cancel()
            ctypes.pythonapi.PyThreadState_SetAsyncExc(thread_id, None)  # one not yet raised


# --------------------------------------------------------------------------- sharing
_SHARED: ContextVar[dict | None] = ContextVar("derivekit_grade_shared", default=None)
Computed = TypeVar("Computed")


@contextmanager
def shared_work(memo: dict | None = None) -> Iterator[None]:
    """Inside this block, grading reuses what does not depend on the answer (each part's
    scope, points, truth values, symbolic truth and parsed closed form) and, for each
    distinct answer tree, its values and symbolic proof. Results are the same as without it. ``memo`` keeps
    what was learnt for a later block (a batch worker passes the same one each time)."""
    token = _SHARED.set({} if memo is None else memo)
    try:
        yield
    finally:
        _SHARED.reset(token)


def _reused(compute: Callable[..., Computed]) -> Callable[..., Computed]:
    """``compute(problem, part, *rest)`` computed once per distinct arguments inside
    :func:`shared_work` (problem and part by identity, the rest by value), as usual outside
    it. Errors are not kept: each call that fails fails anew."""
    @functools.wraps(compute)
    def reusing(problem: Problem, part: Part, *rest: Any) -> Computed:
        memo = _SHARED.get()
        if memo is None:
            return compute(problem, part, *rest)
        key = (compute.__name__, id(problem), id(part), *rest)
        try:
            return memo[key][-1]
        except KeyError:
            pass
        except TypeError:  # an unhashable argument: nothing to share
            return compute(problem, part, *rest)
        value = compute(problem, part, *rest)
        memo[key] = (problem, part, value)  # holding them keeps their ids unique
        return value
    return reusing


# --------------------------------------------------------------------------- targets
def _truth_fields(part: Part) -> tuple[str, ...]:
    if isinstance(part, ConvergenceRange):
        return ("lower", "upper")
    return (part.ANSWER_FIELD,)


def _iteration_variable(part: Part) -> str | None:
    """The name of the step counter in an Iteration's closed form (``t``, ``k``)."""
    if not isinstance(part, Iteration):
        return None
    params = list(inspect.signature(part.closed_form).parameters)
    return params[0] if params else "t"


def _dimension_names(problem: Problem) -> list[str]:
    """Symbolic dimensions that no given is called: answers may use them as numbers (1/n)."""
    names = {g.name for g in problem.givens}
    return [d for d in problem.symbolic_dims if d not in names]


_STATEFUL = ("step", "closed_form")
"""Functions whose first argument is not a given: an iteration's state, the step count."""
_NOT_ABOUT = ("claim", "wrong", "answer_reader", "answer_inputs")
"""Fields that are claims or reading aids, not the part's own statement."""


def part_givens(problem: Problem, part: Part) -> frozenset[str]:
    """The givens a part is about: declared (``about``), else those its functions take or its
    expressions name (``wrt``, ``param`` too). Empty when a function takes every given."""
    names = {g.name for g in problem.givens}
    if part.about:
        return frozenset(part.about)
    found: set[str] = set()
    for f in fields(part):
        value = getattr(part, f.name)
        if f.name in _NOT_ABOUT or value is None:
            continue
        if f.name in ("wrt", "param", "expression") or (f.name == "answer" and
                                                        isinstance(value, str)):
            found |= set(re.findall(r"[A-Za-z][A-Za-z0-9_]*", str(value))) & names
        elif callable(value):
            taken = _taken(value)
            if taken is None:
                return frozenset()
            found |= set(taken[1:] if f.name in _STATEFUL else taken) & names
    definitions = {g.name: g.definition for g in problem.givens if g.definition}
    reached = [n for n in found if n in definitions]
    while reached:  # what the defined names the part uses are defined by
        used = set(re.findall(r"[A-Za-z][A-Za-z0-9_]*", definitions[reached.pop()])) & names
        reached += [n for n in used - found if n in definitions]
        found |= used
    return frozenset(found)


def _taken(fn: Any) -> list[str] | None:
    """The parameters a problem function names, None when it takes ``**givens``."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return None
    if any(p.kind is p.VAR_KEYWORD for p in params):
        return None
    return [p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]


@_reused
def scope_for(problem: Problem, part: Part) -> Scope:
    entries = [(g.name, g.shape, g.latex) for g in problem.givens]
    counter = _iteration_variable(part)
    if counter:
        entries.append((counter, (), None))
    scope = Scope.of(entries, part_givens(problem, part))
    scope.defined = frozenset(g.name for g in problem.givens if g.definition)
    for name in part.answer_inputs:
        scope.add(name, (), boolean=True)
    for d in _dimension_names(problem):  # last: a given's LaTeX spelling wins over a dimension
        if scope.lookup(d) is None:
            scope.add(d, ())
    return scope


def _shapes(problem: Problem) -> dict[str, tuple]:
    return {g.name: g.shape for g in problem.givens}


def _split_answer(text: str, part: Part) -> list[str]:
    """The pieces to grade: the last side of ``a = b``; both ends of ``lo < p < hi``; the
    values of ``H_1 = f, H_2 = g``."""
    text = re.sub(r"\\approx(?![A-Za-z])|\u2248", "=", text.strip())  # a value: its decimals
    if isinstance(part, ConvergenceRange):
        pieces = [p for p in re.split(r"<=?|\\le(?:q)?(?![a-z])|\\lt(?![a-z])", text)]
        if len(pieces) == 3:
            return [pieces[0], pieces[2]]
        if len(pieces) == 2 and re.fullmatch(r"\s*(?:\\[lr]vert|\\?\|)[^|]*(?:\\[lr]vert|\\?\|)\s*",
                                             pieces[0]):
            return [f"-({pieces[1]})", pieces[1]]  # |γ| < c: between -c and c
        if len(pieces) == 2:
            return [pieces[1]]  # η < c: the upper end
        return [text]
    items = [piece for item in top_level_split(text, ",") for piece in _arrows(item)]
    return [", ".join(_value_of(item) for item in items)]


_RELATION = re.compile(r"\\(?:ge|geq|le|leq|ne|neq|gt|lt)(?![A-Za-z])|[<>\u2265\u2264\u2260]")


def _value_of(item: str) -> str:
    """One item's value as a sheet writes it: the last side of ``a = b = 3``, before a
    trailing relation (``576 \\neq 400``, ``2+2p \\ge 2``) or a colon's remark
    (``7:\\ 7\\times7``)."""
    colon = [i for i, ch in enumerate(item) if ch == ":" and depth_at(item, i) == 0
             and item[i + 1:i + 2] != "=" and item[i - 1:i] != "\\"]
    item = without_remarks(item[:colon[0]]) if colon and item[:colon[0]].strip() else item
    item = re.sub(r"^\s*(?:\\times|\u00d7)", "", item)  # "\\times 4": four times as many
    depth = 0
    for i, ch in enumerate(item):
        depth += (ch in "([{") - (ch in ")]}")
        relation = _RELATION.match(item, i) if depth == 0 else None
        if relation and not item.startswith("=", i + 1) and _reads(item[relation.end():]):
            item = item[:i]
            break
    depth, last = 0, 0
    for i, ch in enumerate(item):
        depth += (ch in "([{") - (ch in ")]}")
        if ch == "=" and depth == 0 and item[i - 1:i] not in "<>!" and item[i + 1:i + 2] != "=":
            last = i + 1
    return item[last:]


def _reads(text: str) -> bool:
    """Whether ``text`` is math (a remark after a relation must be; ``x > /tmp/f`` is not)."""
    try:
        parse(text)
    except DerivekitError:
        return False
    return True


_ARROW = re.compile(r"\\to(?![A-Za-z])|\\rightarrow(?![A-Za-z])|\u2192")


def _arrows(item: str) -> list[str]:
    """``32 \\to 16 \\to 8``: the sizes, in order; ``-D \\to 0`` (one arrow): the value."""
    pieces = _ARROW.split(item)
    return pieces if len(pieces) > 2 else pieces[:1]


# --------------------------------------------------------------------------- check
def check(problem: Problem, part: Part, text: str, seed: int = 0,
          timeout: float = TIMEOUT_S, any_layout: bool = False) -> Feedback:
    """Grade ``text`` as an answer to ``part``; never raises for a bad answer.

    ``any_layout`` accepts a derivative in the other layout too (and says which it used).
    """
    feedback = Feedback(problem.id, part.name, text, "invalid")
    try:
        with time_limit(timeout), _quiet():
            _grade(problem, part, text, seed, feedback)
            if any_layout and feedback.diagnosis in ("wrong layout", "transposed") and \
                    feedback.layout:
                _accept_other_layout(feedback)
    except DerivekitError as exc:
        feedback.verdict = "invalid"
        feedback.message = str(exc)
    except (ArithmeticError, ValueError, TypeError, KeyError, IndexError, MemoryError,
            RecursionError) as exc:
        feedback.verdict = "invalid"
        feedback.message = f"could not evaluate the answer: {type(exc).__name__}"
    return feedback


@contextmanager
def _quiet() -> Iterator[None]:
    """A reply is the verdict and its reasons: overflow in a student's ``e^{e^{e^x}}`` is a
    value (inf) to compare, never a warning printed beside it."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield


def preview(problem: Problem, part: Part, text: str) -> dict[str, Any]:
    """How ``text`` reads as an answer to ``part``, parsed and resolved but not evaluated (a
    live preview): ``{"ok": True, "interpreted", "interpreted_latex"}`` or ``{"ok": False,
    "message"}``; never raises for a bad answer."""
    feedback = Feedback(problem.id, part.name, text, "invalid")
    try:
        with _quiet():
            check_length(text)
            _interpret(problem, part, text, 0, feedback)
    except DerivekitError as exc:
        return {"ok": False, "message": str(exc)}
    except (ArithmeticError, ValueError, TypeError, KeyError, IndexError, RecursionError) as exc:
        return {"ok": False, "message": f"could not read the answer: {type(exc).__name__}"}
    return {"ok": True, "interpreted": feedback.interpreted,
            "interpreted_latex": feedback.interpreted_latex}


def _interpret(problem: Problem, part: Part, text: str, seed: int,
               feedback: Feedback) -> tuple[list[Node], dict[str, Node]]:
    """The answer's trees and the statement's names it restates; fills in how it was read."""
    scope = scope_for(problem, part)
    answer, definitions = split_definitions(without_remarks(text))
    pieces = _sizes_as_listed(problem, part, answer, _split_answer(answer, part), seed)
    restated: dict[str, Node] = {}
    nodes, defined = resolve_all([parse(piece) for piece in pieces], scope, definitions,
                                 restated)
    if any(build.UNSIZED in n.shape for node in nodes for n in walk(node)):
        raise DerivekitError("the size of I or of the ones vector cannot be told from its "
                             "neighbours: write I_n")
    between = f" < {part.param} < " if isinstance(part, ConvergenceRange) else ", "
    feedback.interpreted = between.join(ascii_(n) for n in nodes) + (
        "  where " + "; ".join(defined) if defined else "")
    feedback.interpreted_latex = ", ".join(latex(n, _latex_names(problem)) for n in nodes)
    return nodes, restated


def _grade(problem: Problem, part: Part, text: str, seed: int, feedback: Feedback) -> None:
    feedback.form = part.form
    check_length(text)
    nodes, restated = _interpret(problem, part, text, seed, feedback)
    if restated and not _agrees_with_statement(problem, part, restated, seed, feedback):
        return
    truth_fields = _truth_fields(part)
    if len(nodes) == 1 and len(truth_fields) == 2:
        truth_fields = truth_fields[1:]  # one bound typed: the upper one (the lower is 0)
    if len(nodes) != len(truth_fields):
        raise DerivekitError(f"expected {len(truth_fields)} value(s), got {len(nodes)}")
    for node, field in zip(nodes, truth_fields):
        _compare(problem, part, node, field, seed, feedback)
        if feedback.verdict != "equivalent":
            return
    why = forms.violation(part.form, nodes) if part.form else ""
    if why:
        feedback.verdict = "equivalent-wrong-form"
        feedback.message = (f"equivalent in value, but not in the form the part asks for "
                            f"({part.form}): {why}")


def _agrees_with_statement(problem: Problem, part: Part, restated: dict[str, Node], seed: int,
                           feedback: Feedback) -> bool:
    """A where-clause may restate a name the statement defines (``ô = softmax(z_2)``): it
    must agree with the statement's definition at every point, else the answer is graded
    ``not-equivalent`` with the point where they differ."""
    shapes = _shapes(problem)
    for name, tree in restated.items():
        for dims, values in _points(problem, part, seed):
            want = np.asarray(values[name], dtype=float)
            got = np.broadcast_to(_value(tree, values, shapes), want.shape)
            if not _close(got, want):
                feedback.verdict = "not-equivalent"
                feedback.diagnosis = "wrong definition"
                feedback.counterexample = _counterexample(dims, values, got, want)
                statement = problem.given(name).definition
                feedback.message = (f"your {name} = {ascii_(tree)} is not the statement's "
                                    f"{name} = {statement}")
                return False
    return True


_SIZES = re.compile(r"\s*\d+(?:\s*(?:\\!)?\s*(?:\\times|\u00d7)\s*(?:\\!)?\s*\d+)+\s*")


def _sizes_as_listed(problem: Problem, part: Part, answer: str, pieces: list[str],
                     seed: int) -> list[str]:
    """Sizes as sheets list them, read by what the part asks for: ``32\\times32\\times10``
    is a volume's three sizes where the part's value is three sizes (a product anywhere
    else); a chain ``32\\to16\\to8`` is its end where the value is one size, the sizes
    after the first where it is one fewer."""
    if len(pieces) != 1 or isinstance(part, ConvergenceRange):
        return pieces
    sizes = re.findall(r"\d+", pieces[0]) if _SIZES.fullmatch(pieces[0]) else []
    chain = top_level_split(pieces[0], ",") if not sizes and len(_ARROW.split(answer)) > 2 \
        else []
    if not sizes and not chain:
        return pieces
    dims, values = _points(problem, part, seed)[0]
    try:
        want = _truth(problem, part, _truth_fields(part)[-1], values)
    except (TypeError, ValueError, DerivekitError):
        return pieces
    if sizes:
        return [", ".join(sizes)] if want.size == len(sizes) > 1 and want.squeeze().ndim == 1 \
            else pieces
    if want.size == 1:
        return [chain[-1]]
    return [", ".join(chain[1:])] if want.size == len(chain) - 1 else pieces


def _accept_other_layout(feedback: Feedback) -> None:
    other = "numerator" if feedback.layout == "denominator" else "denominator"
    feedback.verdict = "equivalent"
    feedback.message = f"equivalent in {other} layout (the part states {feedback.layout})"
    feedback.layout, feedback.diagnosis, feedback.counterexample = other, "", None


def _latex_names(problem: Problem) -> dict[str, str]:
    return {g.name: g.tex for g in problem.givens}


@_reused
def _points(problem: Problem, part: Part, seed: int) -> list[tuple[dict, dict]]:
    """(dims, values) at every point the witnesses use, plus the step counter if any."""
    counter = _iteration_variable(part)
    dimension_names = _dimension_names(problem)
    inputs = {name: np.asarray(v, dtype=float) for name, v in part.answer_inputs.items()}
    out = []
    for dims, points, _, _ in shape_sets(problem, part, seed):
        for i, values in enumerate(points):
            values = {**values, **{d: np.asarray(float(dims[d])) for d in dimension_names},
                      **inputs}
            if counter:
                values[counter] = np.asarray(float(i + 1))
            out.append((dims, values))
    return out


def _truth(problem: Problem, part: Part, field: str, values: dict) -> np.ndarray:
    fn = getattr(part, field)
    if not callable(fn):
        return np.asarray(fn, dtype=float)
    given = {g.name: values[g.name] for g in problem.givens}
    counter = _iteration_variable(part)
    if counter:
        return np.asarray(call(fn, given, int(values[counter])), dtype=float)
    return np.asarray(call(fn, given), dtype=float)


@_reused
def _truth_points(problem: Problem, part: Part, field: str, seed: int) -> list[tuple]:
    """(dims, values, truth) at every point."""
    out = []
    with np.errstate(all="ignore"):
        for dims, values in _points(problem, part, seed):
            try:
                out.append((dims, values, _truth(problem, part, field, values)))
            except (TypeError, ValueError) as exc:
                raise DerivekitError(f"this part's answer is not a value that can be typed "
                                     f"({type(exc).__name__}); use derivekit verify") from None
    return out


def _value(node: Node, values: dict, shapes: dict) -> np.ndarray:
    check_cost(node, values, shapes)
    out = evaluate(node, values, shapes)
    return np.asarray(out if not isinstance(out, tuple) else [np.asarray(x) for x in out],
                      dtype=float)


@_reused
def _answer_values(problem: Problem, part: Part, node: Node, seed: int) -> list[np.ndarray]:
    """The answer's value at every point (answers typed differently often share a tree)."""
    shapes = _shapes(problem)
    with np.errstate(all="ignore"):
        return [_answer_value(part, node, values, shapes)
                for _, values in _points(problem, part, seed)]


def _answer_value(part: Part, node: Node, values: dict, shapes: dict) -> np.ndarray:
    """What is graded: the answer's value; over answer inputs, a table (a single formula is
    its one row); through the part's reader, what the reader makes of it."""
    if part.answer_reader is not None:
        check_cost(node, values, shapes)
        return _read(part.answer_reader, evaluate(node, values, shapes))
    value = _value(node, values, shapes)
    return np.atleast_2d(value) if part.answer_inputs else value


def _read(reader: AnswerReader, typed: Any) -> np.ndarray:
    """The typed values, each in its declared shape, run through the reader's function."""
    items = typed if isinstance(typed, tuple) else (typed,)
    if len(items) != len(reader.items):
        names = ", ".join(name for name, _ in reader.items)
        raise DerivekitError(f"expected {len(reader.items)} values ({names}), got {len(items)}")
    fitted = [_fit(np.asarray(item, dtype=float), name, tuple(shape))
              for item, (name, shape) in zip(items, reader.items)]
    return np.asarray(reader.fn(*fitted), dtype=float)


def _fit(item: np.ndarray, name: str, shape: tuple) -> np.ndarray:
    """``item`` in its declared shape: as typed, a number filling it, a list (flat or a row,
    ``[a, b]``) a column."""
    if item.shape == shape:
        return item
    if item.size == 1:
        return np.full(shape, float(item.reshape(())))
    if shape == (item.size, 1) and item.shape in ((item.size,), (1, item.size)):
        return item.reshape(shape)
    raise DerivekitError(f"{name} should be {shape_text(shape)}, got {shape_text(item.shape)}")


def _compare(problem: Problem, part: Part, node: Node, field: str, seed: int,
             feedback: Feedback) -> None:
    layout = getattr(part, "layout", None) if isinstance(part, Derivative) else None
    feedback.layout = layout
    typed_precision = _typed_precision(feedback.answer, node)
    pairs = [(dims, values, got, want) for (dims, values, want), got in zip(
        _truth_points(problem, part, field, seed), _answer_values(problem, part, node, seed))]
    if layout is None and pairs[0][2].size == 1 and pairs[0][3].size > 1:
        pairs = [(d, v, np.broadcast_to(g.reshape(()), w.shape), w) for d, v, g, w in pairs]
    mismatched = [p for p in pairs if not _same_shape(p[2], p[3])]
    if mismatched:  # at any point: shapes differ between shape sets
        _explain_shape(mismatched + [p for p in pairs if all(p is not m for m in mismatched)],
                       layout, feedback)
        return
    if all(_close(_squeeze_to(g, w), w, typed_precision) for _, _, g, w in pairs):
        feedback.verdict = "equivalent"
        feedback.message = "equivalent" + (f" at the precision typed (±{typed_precision:g})"
                                           if typed_precision else "")
        feedback.evidence = f"numeric: {len(pairs)} points, float64" if problem.givens or \
            _iteration_variable(part) else "numeric: every entry (the part has no random inputs)"
        if not typed_precision and cost(node, pairs[0][1], _shapes(problem)) <= SYMBOLIC_COST:
            proof = _symbolic_proof(problem, part, node, field)
            if proof:
                feedback.evidence += f"; symbolic: proved equal at shapes {proof}"
        return
    feedback.verdict = "not-equivalent"
    _diagnose(problem, part, node, pairs, layout, feedback)


_PIECEWISE = {"relu", "step", "nonneg", "abs", "floor", "ceil"}
"""Answers with these are left to the numbers: SymPy's Piecewise is slow to build and rarely
decides."""
SYMBOLIC_ENTRIES = 16
SYMBOLIC_NODES = 1100
SYMBOLIC_COST = 20_000
"""Symbolic proofs are tried on small answers only (latency): at most this many entries and
this many expression nodes in all (about 4000 printed characters), and a numeric cost (see
:func:`derivekit.expr.evaluate.cost`) that SymPy, a thousand times slower per entry, can
afford."""


@_reused
def _symbolic_proof(problem: Problem, part: Part, node: Node, field: str) -> dict | None:
    """SymPy shows answer - truth = 0 entry by entry at the smallest shape set, or None when
    it cannot tell cheaply (the numeric verdict stands alone then)."""
    from derivekit.ops import SymbolicUnsupported, symbolic

    if _iteration_variable(part) or not callable(getattr(part, field)) or any(
            n.op in _PIECEWISE for n in walk(node)) or part.answer_inputs or part.answer_reader:
        return None  # tables over fixed inputs: the numbers compared every entry already
    traced = _symbolic_truth(problem, part, field)
    if traced is None:
        return None
    sym, dims, truth = traced
    try:
        values = {**sym.values, **{d: sym.lib.Integer(dims[d])
                                   for d in _dimension_names(problem)}}
        with symbolic("sympy"):
            answer = np.asarray(evaluate(node, values, _shapes(problem)), dtype=object)
        difference = answer.reshape(truth.shape) - truth
        entries = [sym.lib.sympify(e) for e in difference.ravel()]
    except (SymbolicUnsupported, TypeError, ValueError, AttributeError, ZeroDivisionError):
        return None
    if any(e.has(sym.lib.Piecewise) for e in entries) or _larger_than(entries, SYMBOLIC_NODES,
                                                                      sym.lib):
        return None  # piecewise (ReLU) cases and large expressions: the numbers decide
    from derivekit.derivation.identity import proves_zero

    return dims if proves_zero(entries) else None


@_reused
def _symbolic_truth(problem: Problem, part: Part, field: str) -> tuple | None:
    """(symbols, dims, truth entries) at the smallest shape set, or None when the truth has
    more than SYMBOLIC_ENTRIES entries or cannot be traced."""
    from derivekit.derivation.symbols import Symbolic
    from derivekit.ops import SymbolicUnsupported

    dims = dict(min(problem.shapes, key=lambda d: sum(d.values())))
    try:
        sym = Symbolic(problem.givens, dims, "sympy")
        truth = np.asarray(sym.trace(getattr(part, field)), dtype=object)
    except (SymbolicUnsupported, TypeError, ValueError, AttributeError, ZeroDivisionError):
        return None
    return (sym, dims, truth) if truth.size <= SYMBOLIC_ENTRIES else None


def _larger_than(entries: list, limit: int, lib: Any) -> bool:
    """Whether the expressions have more than ``limit`` nodes; stops counting there (printing
    them to measure costs more than most proofs)."""
    count = 0
    for entry in entries:
        for _ in lib.preorder_traversal(entry):
            count += 1
            if count > limit:
                return True
    return False


def _same_shape(got: np.ndarray, want: np.ndarray) -> bool:
    """Equal shapes; a scalar and a 1x1 matrix alike; a typed list matches a column."""
    if got.shape == want.shape or (got.size == 1 and want.size == 1):
        return True
    return got.ndim == 1 and want.shape in ((got.size,), (got.size, 1))


def _squeeze_to(got: np.ndarray, want: np.ndarray) -> np.ndarray:
    return got.reshape(want.shape)


def _close(got: np.ndarray, want: np.ndarray, precision: float | None = None) -> bool:
    if not (np.all(np.isfinite(got)) and np.all(np.isfinite(want))):
        return bool(np.array_equal(got, want))
    if precision:
        return bool(np.all(np.abs(got - want) <= precision * (1 + 1e-9)))
    return bool(np.all(np.abs(got - want) <= ATOL + RTOL * np.abs(want)))


def _typed_precision(text: str, node: Node) -> float | None:
    """A bare decimal like ``-1.386`` is judged at the precision it was typed."""
    if node.op not in ("const", "neg") or exact(node) is None:
        return None
    decimals = [len(m) for m in re.findall(r"\d\.(\d+)", text)]
    return 0.5 * 10.0 ** -max(decimals) if decimals else None


# --------------------------------------------------------------------------- diagnosis
def _counterexample(dims: dict, values: dict, got: np.ndarray, want: np.ndarray) -> dict:
    return {
        "shapes": dict(dims),
        "values": {k: np.round(np.asarray(v, dtype=float), 6).tolist() for k, v in values.items()},
        "expected": np.round(want, 10).tolist(),
        "given": np.round(got, 10).tolist(),
    }


def _explain_shape(pairs: list, layout: str | None, feedback: Feedback) -> None:
    dims, values, got, want = pairs[0]
    feedback.verdict = "not-equivalent"
    feedback.counterexample = _counterexample(dims, values, got, want)
    if all(g.ndim == 2 and w.ndim == 2 and g.shape == w.T.shape and _close(g, w.T)
           for _, _, g, w in pairs):
        other = "numerator" if layout == "denominator" else "denominator"
        feedback.diagnosis = "wrong layout" if layout else "transposed"
        feedback.message = (f"your answer is the {other}-layout form (the transpose); this part "
                            f"asks for {layout} layout" if layout else
                            "your answer is the transpose of the expected one")
        return
    reduction = _missing_reduction(pairs)
    if reduction:
        feedback.diagnosis = f"missing {reduction}"
        feedback.message = (f"your answer is the summand: it is missing the {reduction} over "
                            f"samples (its shape is {got.shape}, the part asks for "
                            f"{want.shape or 'a scalar'})")
        return
    feedback.diagnosis = "wrong shape"
    feedback.message = f"your answer has shape {got.shape}, expected {want.shape}"


def _missing_reduction(pairs: list) -> str:
    """'sum' or 'mean' when the answer, summed (or averaged) over all its entries or over one
    axis, is the truth at every point: the part asks for a sum over samples and the answer
    is its summand."""
    for name, reduce in (("sum", np.sum), ("mean", np.mean)):
        for axis in (None, 0, 1):
            def reduced(g: np.ndarray, w: np.ndarray) -> np.ndarray | None:
                if (axis is not None and g.ndim != 2) or g.size < w.size:
                    return None
                out = np.asarray(reduce(g, axis=axis, keepdims=axis is not None))
                return out.reshape(w.shape) if out.size == w.size else None
            values = [(reduced(g, w), w) for _, _, g, w in pairs]
            if all(r is not None and _close(r, w) for r, w in values):
                return name
    return ""


def _diagnose(problem: Problem, part: Part, node: Node, pairs: list, layout: str | None,
              feedback: Feedback) -> None:
    bad = next(p for p in pairs if not _close(_squeeze_to(p[2], p[3]), p[3]))
    feedback.counterexample = _counterexample(*bad)
    got = [_squeeze_to(g, w) for _, _, g, w in pairs]
    want = [w for _, _, _, w in pairs]
    if all(_close(g, -w) for g, w in zip(got, want)):
        return _say(feedback, "sign flipped", "your answer is the negative of the expected one")
    if all(w.ndim == 2 and w.shape[0] == w.shape[1] and _close(g, w.T)
           for g, w in zip(got, want)):
        return _say(feedback, "transposed", "your answer is the transpose of the expected one"
                    + (f" (the other layout; this part asks for {layout} layout)" if layout
                       else ""))
    factor = _common_factor(got, want)
    if factor is not None:
        return _say(feedback, "constant factor",
                    f"your answer is {_nice(factor)} times the expected one")
    term = _extra_term(node, pairs, _shapes(problem))
    if term:
        return _say(feedback, "extra term", f"your answer has an extra term {term}")
    term = _missing_term(problem, part, node, pairs)
    if term:
        return _say(feedback, "missing term", f"your answer is missing the term {term}")
    entry = _first_bad_entry(bad, part.answer_inputs)
    feedback.message = f"not equivalent: {entry}"


def _say(feedback: Feedback, diagnosis: str, message: str) -> None:
    feedback.diagnosis = diagnosis
    feedback.message = message


def _common_factor(got: list, want: list) -> float | None:
    g = np.concatenate([x.ravel() for x in got])
    w = np.concatenate([x.ravel() for x in want])
    scale = float(w @ w)
    if scale < 1e-12:
        return None
    c = float(g @ w) / scale
    if abs(c - 1) < 1e-9 or abs(c) < 1e-12 or not _close(g, c * w):
        return None
    return c


def _nice(c: float) -> str:
    f = Fraction(c).limit_denominator(64)
    return str(f) if abs(float(f) - c) < 1e-9 * max(1, abs(c)) else f"{c:.6g}"


def _terms(node: Node) -> list[Node]:
    if node.op == "add":
        return _terms(node.args[0]) + _terms(node.args[1])
    if node.op == "sub":
        return _terms(node.args[0]) + [build.neg(t) for t in _terms(node.args[1])]
    return [node]


def _explains(term: Node, pairs: list, shapes: dict, fits: Any) -> bool:
    """Whether ``fits(got, want, term value)`` holds at every point; a term that cannot be
    evaluated there, or not in the truth's shape, explains nothing."""
    try:
        return all(fits(_squeeze_to(g, w), w, np.broadcast_to(_value(term, v, shapes), w.shape))
                   for _, v, g, w in pairs)
    except (DerivekitError, ArithmeticError, ValueError, TypeError, KeyError, IndexError):
        return False


def _extra_term(node: Node, pairs: list, shapes: dict) -> str:
    terms = _terms(node)
    if len(terms) < 2:
        return ""
    return next((ascii_(term) for term in terms if _explains(
        term, pairs, shapes, lambda g, w, t: _close(g - t, w))), "")


def _missing_term(problem: Problem, part: Part, node: Node, pairs: list) -> str:
    """A term of the part's own closed form (when its LaTeX reads as math) that the answer
    lacks."""
    reference = _closed_form_tree(problem, part)
    if reference is None:
        return ""
    shapes = _shapes(problem)
    disjuncts = _disjuncts(reference)
    for term in disjuncts if len(disjuncts) > 1 else ():  # a sum of products' lost product
        if _explains(term, pairs, shapes, lambda g, w, t: _close(ops.logic_or(g, t), w)):
            return ascii_(term)
    terms = _terms(reference)
    if len(terms) < 2:
        return ""
    return next((ascii_(term) for term in terms if _explains(
        term, pairs, shapes, lambda g, w, t: _close(g, w - t))), "")


@_reused
def _closed_form_tree(problem: Problem, part: Part) -> Node | None:
    """The part's own closed form read as an answer, or None where its LaTeX is not math."""
    try:
        return resolve(parse(_split_answer(without_remarks(part.answer_latex), part)[-1]),
                       scope_for(problem, part))
    except DerivekitError:
        return None


def _disjuncts(node: Node) -> list[Node]:
    return _disjuncts(node.args[0]) + _disjuncts(node.args[1]) if node.op == "or" else [node]


def _first_bad_entry(bad: tuple, inputs: Mapping[str, Any]) -> str:
    """The worst entry; in a truth table, with the input row it is at (``A=0, B=1``)."""
    dims, _, got, want = bad
    g = _squeeze_to(got, want)
    err = np.abs(g - want)
    index = np.unravel_index(int(np.argmax(err)), err.shape) if err.ndim else ()
    where = f" at entry {tuple(int(i) for i in index)}" if index else ""
    if inputs and index:
        where += " where " + ", ".join(f"{name}={float(v[index[-1]]):g}"
                                       for name, v in inputs.items())
    return (f"expected {float(want[index]):.6g}, got {float(g[index]):.6g}{where} "
            f"(shapes {dims})")
