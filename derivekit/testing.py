"""Test your own gradient code with derivekit's witnesses.

    from derivekit.testing import assert_gradient

    def loss(w, X, y):                       # NumPy or JAX
        return jnp.sum((X @ w - y) ** 2)

    def grad(w, X, y):                       # the closed form under test
        return 2 * X.T @ (X @ w - y)

    assert_gradient(loss, grad, shapes={"w": ("n",), "X": ("m", "n"), "y": ("m",)})

The closed form is compared, entry by entry in float64, with JAX autodiff of the function
(``jax.grad``/``jax.jacrev``, when the function is written with ``jax.numpy`` or
:mod:`derivekit.ops`) and with central finite differences, at several random points for each
of several shape sets: the same witnesses and tolerances as ``derivekit verify``. Shapes are
used as given (1-D vectors stay 1-D); a named dimension takes a different size in each shape
set. A failure raises ``AssertionError`` with the witness table.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from derivekit.errors import DerivekitError
from derivekit.model import Derivative, Domain, Given, Problem, Source
from derivekit.verdict import PartVerdict, WitnessResult, first_failure, part_status

SIZES = ((2, 3, 4, 2, 3, 4), (3, 2, 2, 4, 3, 2), (3, 3, 3, 3, 3, 3))
"""Sizes of the named dimensions, in order of appearance, one row per shape set (distinct
sizes catch shape mistakes; equal ones catch transposes of square matrices)."""
DOMAINS = ("real", "positive", "unit", "invertible", "spd")

Shapes = Mapping[str, Sequence[Any]]


def assert_gradient(f: Callable[..., Any], closed_form: Callable[..., Any],
                    shapes: Shapes | Sequence[Mapping[str, Sequence[int]]],
                    wrt: str | None = None, *, layout: str = "denominator", seed: int = 0,
                    domains: Mapping[str, str] | None = None) -> PartVerdict:
    """Assert that ``closed_form(**args)`` is d f(**args) / d args[wrt]; return the verdict.

    ``shapes`` maps each argument of ``f`` to its shape, with ints or dimension names
    (``{"X": ("m", "n"), "w": ("n",)}``: three shape sets), or is a list of such mappings with
    ints only (one shape set each). ``wrt`` defaults to ``f``'s first parameter; ``layout``
    is ``denominator`` (the gradient has the variable's shape) or ``numerator``.
    ``domains`` draws some arguments elsewhere than the reals (``{"s": "positive"}``; also
    ``unit``, ``invertible``, ``spd``).
    """
    verdict = check_gradient(f, closed_form, shapes, wrt, layout=layout, seed=seed,
                             domains=domains)
    if verdict.status != "verified":
        from derivekit.sheet.text import part_report

        name = getattr(closed_form, "__name__", "closed form")
        raise AssertionError(part_report(verdict, f"{name} is not d{_name(f)}/d{verdict.asks}"))
    return verdict


def check_gradient(f: Callable[..., Any], closed_form: Callable[..., Any],
                   shapes: Shapes | Sequence[Mapping[str, Sequence[int]]],
                   wrt: str | None = None, *, layout: str = "denominator", seed: int = 0,
                   domains: Mapping[str, str] | None = None) -> PartVerdict:
    """The verdict :func:`assert_gradient` asserts on (``asks`` names the variable)."""
    from derivekit.points import shape_sets

    wrt = wrt or _first_parameter(f)
    problems = _problems(f, closed_form, shapes, wrt, layout, domains or {})
    sets = [s for problem in problems for s in shape_sets(problem, problem.parts[0], seed)]
    witnesses = _witnesses(problems[0].parts[0], sets)
    status = part_status(witnesses)
    return PartVerdict(name=_name(closed_form), kind="derivative", asks=wrt, status=status,
                       answer_latex="", layout=layout, witnesses=witnesses,
                       message=first_failure(witnesses) if status == "failed" else
                       "no witness applies" if status == "error" else "")


def _witnesses(part: Derivative, sets: list) -> tuple[WitnessResult, ...]:
    from derivekit.layout import arrange
    from derivekit.points import call
    from derivekit.witness import autodiff, finite_difference
    from derivekit.witness.compare import Tally, not_applicable

    jax_ = Tally("jax-autodiff")
    fd = Tally("finite-difference", rtol=finite_difference.RTOL, atol=finite_difference.ATOL)
    untraceable = ""
    for dims, points, stacked, _ in sets:
        for tally in (jax_, fd):
            tally.shape_set(dims)
        value = np.asarray(call(part.of, points[0]), dtype=float)
        out_shape, in_shape = (() if value.size == 1 else value.shape), points[0][part.wrt].shape
        answers = [np.asarray(call(part.answer, p), dtype=float) for p in points]
        if not untraceable:
            try:
                tensors = autodiff.jacobians(part.of, part.wrt, stacked, scalar=out_shape == ())
            except Exception as exc:  # noqa: BLE001  (NumPy code cannot be traced by JAX)
                untraceable = f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}"
            else:
                for i, tensor in enumerate(tensors):
                    jax_.compare(answers[i], arrange(tensor, out_shape, in_shape, part.layout),
                                 f"shapes {dims}, point {i}", point=i)
        for i, p in enumerate(points):
            tensor = finite_difference.jacobian(part.of, part.wrt, p)
            fd.compare(answers[i], arrange(tensor, out_shape, in_shape, part.layout),
                       f"shapes {dims}, point {i}", point=i)
    autodiff_result = (not_applicable(jax_.name, f"the function is not JAX-traceable "
                                      f"({untraceable}); write it with jax.numpy for this "
                                      "witness") if untraceable else
                       jax_.result("jax.grad/jax.jacrev, float64"))
    return autodiff_result, fd.result("central differences, h = 1e-6·max(1,|x|)")


def _first_parameter(f: Callable[..., Any]) -> str:
    try:
        return next(iter(inspect.signature(f).parameters))
    except (StopIteration, TypeError, ValueError):
        raise DerivekitError("give wrt=: the function's first parameter is unknown") from None


def _name(fn: Callable[..., Any]) -> str:
    return getattr(fn, "__name__", "f")


def _problems(f: Callable[..., Any], closed_form: Callable[..., Any], shapes: Any, wrt: str,
              layout: str, domains: Mapping[str, str]) -> list[Problem]:
    """The check stated as one-part problems (one per concrete shape set, or one with named
    dimensions), so that points are drawn as for every part of the catalog."""
    if not isinstance(shapes, Mapping):
        if not shapes or any(not isinstance(s, Mapping) for s in shapes):
            raise DerivekitError("shapes=: a mapping name -> shape, or a list of them")
        return [p for s in shapes for p in _problems(f, closed_form, s, wrt, layout, domains)]
    names = list(dict.fromkeys(d for shape in shapes.values() for d in shape
                               if isinstance(d, str)))
    sets = tuple({d: sizes[i % len(sizes)] for i, d in enumerate(names)}
                 for sizes in SIZES) if names else ({},)
    unknown = sorted(set(domains) - set(shapes))
    if unknown or any(kind not in DOMAINS for kind in domains.values()):
        raise DerivekitError(f"domains=: names {unknown or list(domains)} or kinds other than "
                             f"{', '.join(DOMAINS)}")
    if wrt not in shapes:
        raise DerivekitError(f"{wrt!r} has no shape in shapes= ({', '.join(shapes)})")
    givens = tuple(Given(name, tuple(shape), Domain(domains.get(name, "real")))
                   for name, shape in shapes.items())
    part = Derivative(name="closed-form", asks=f"d/d{wrt}", answer_latex="-", wrt=wrt,
                      of=f, answer=closed_form, layout=layout, underivable="user code")
    return [Problem(id="assert-gradient", title="assert_gradient", source=Source("-", "-"),
                    statement="", givens=givens, parts=(part,), shapes=sets)]
