"""Concrete shapes, random points in each given's domain, and calling problem functions.

Shared by the derivation (which evaluates its symbolic results at these points) and the
witnesses, so every check of a part looks at the same numbers.
"""

from __future__ import annotations

import inspect
import zlib
from functools import lru_cache
from typing import Any, Callable, Mapping

import numpy as np

from derivekit.errors import ProblemDefinitionError
from derivekit.model import Given, Shape

Values = dict[str, Any]

POINTS_PER_SHAPE = 5
AVOID_MARGIN = 0.05
"""Sampled values named by a part's ``avoid`` stay at least this far from 0 (ReLU kinks)."""
MAX_REDRAWS = 200


def concrete(shape: Shape, dims: Mapping[str, int]) -> tuple[int, ...]:
    """A shape's sizes at one shape set; a size may be computed from the dimensions
    (``"h-k+1"``: a convolution's output)."""
    return tuple(d if isinstance(d, int) else int(dims[d]) if d in dims else
                 _computed(d, dims) for d in shape)


def _computed(size: str, dims: Mapping[str, int]) -> int:
    """``h-k+1``, ``2*n``, ``h//s``: integer arithmetic on dimension names."""
    from derivekit.expr.build import size_value

    try:
        return size_value(size, dims)
    except ValueError as exc:
        raise ProblemDefinitionError(f"size {size!r}: {exc}") from None


def rng_for(seed: int, *labels: str) -> np.random.Generator:
    """A generator that depends only on the seed and the labels (problem, part, shape set).

    Checking one problem alone therefore draws the same points as checking the whole catalog.
    """
    key = zlib.crc32("/".join(labels).encode())
    return np.random.default_rng([seed, key])


@lru_cache(maxsize=None)
def _parameters(fn: Callable) -> tuple[tuple[str, ...], bool]:
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return (), True
    names = tuple(
        p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    )
    takes_all = any(p.kind is p.VAR_KEYWORD for p in params)
    return names, takes_all


def call(fn: Callable, values: Mapping[str, Any], *leading: Any) -> Any:
    """Call a problem function with the givens it names (all of them if it takes ``**kw``).

    ``leading`` positional arguments (an iteration's state, a step count) come first.
    """
    names, takes_all = _parameters(fn)
    if takes_all:
        return fn(*leading, **values)
    wanted = names[len(leading):]
    missing = [n for n in wanted if n not in values]
    if missing:
        raise ProblemDefinitionError(
            f"function {getattr(fn, '__name__', fn)!r} names unknown givens: {', '.join(missing)}"
        )
    return fn(*leading, **{n: values[n] for n in wanted})


def draw_given(given: Given, dims: Mapping[str, int], rng: np.random.Generator,
               earlier: Values) -> np.ndarray:
    """One random value in the given's domain (float64; vectors as columns)."""
    shape = concrete(given.shape, dims)
    kind = given.domain.kind
    if kind == "real":
        return rng.normal(size=shape)
    if kind == "positive":
        return rng.uniform(0.5, 2.0, size=shape)
    if kind == "unit":
        return rng.uniform(0.05, 0.95, size=shape)
    if kind == "binary":
        return rng.integers(0, 2, size=shape).astype(np.float64)
    if kind == "spd":
        n = shape[0]
        a = rng.normal(size=(n, n))
        return a @ a.T / n + 0.5 * np.eye(n)
    if kind == "invertible":
        n = shape[0]
        return np.eye(n) + 0.4 * rng.normal(size=(n, n)) / np.sqrt(n)
    if kind == "onehot":
        out = np.zeros(shape)
        out.reshape(-1)[rng.integers(out.size)] = 1.0
        return out
    if kind == "simplex":
        p = rng.uniform(0.2, 1.0, size=shape)
        return p / p.sum()
    if kind in ("interval", "integer"):
        low, high = (
            float(call(end, earlier)) if callable(end) else float(end)
            for end in (given.domain.low, given.domain.high)
        )
        if kind == "integer":
            return rng.integers(int(low), int(high) + 1, size=shape).astype(np.float64)
        return np.asarray(low + (high - low) * rng.uniform(0.05, 0.95, size=shape))
    if kind == "normal":
        scale = np.asarray(earlier[given.domain.scale])
        return scale * rng.normal(size=shape)
    raise ProblemDefinitionError(f"given {given.name!r}: unknown domain {kind!r}")


@lru_cache(maxsize=256)
def _reading(givens: tuple[Given, ...]) -> Any:
    from derivekit.expr.reading import Reading

    return Reading("definitions", givens)


def define(givens: tuple[Given, ...], values: Values) -> None:
    """Add the value of every defined given (ô = softmax(z₂)) to drawn ``values``, in the
    order the givens are declared."""
    from derivekit.expr.evaluate import evaluate

    reading = _reading(givens)
    for name, tree in reading.definitions().items():
        try:
            value = evaluate(tree, values, reading.shapes)
        except KeyError as exc:
            raise ProblemDefinitionError(f"the definition of {name} uses {exc.args[0]}, which "
                                         "is defined after it") from None
        value = np.asarray(value, dtype=float)
        values[name] = value.reshape(()) if not reading.shapes[name] else value


def draw(givens: tuple[Given, ...], dims: Mapping[str, int], rng: np.random.Generator,
         avoid: Callable | None = None) -> tuple[Values, int]:
    """A random point for all givens (defined ones computed from the drawn ones); redraws
    while ``avoid`` has entries near 0.

    Returns the values and how many redraws the non-smooth points cost.
    """
    defined = any(g.definition for g in givens)
    for redraws in range(MAX_REDRAWS):
        values: Values = {}
        for given in givens:
            if not given.definition:
                values[given.name] = np.asarray(draw_given(given, dims, rng, values),
                                                dtype=float)
        if defined:
            with np.errstate(all="ignore"):
                define(givens, values)
        if avoid is None or np.min(np.abs(np.asarray(call(avoid, values)))) >= AVOID_MARGIN:
            return values, redraws
    raise ProblemDefinitionError("could not sample a point away from the non-smooth set")


def shape_sets(problem: Any, part: Any, seed: int, count: int = POINTS_PER_SHAPE,
               ) -> list[tuple[dict[str, int], list[Values], dict[str, np.ndarray], int]]:
    """For each shape set: its dims, ``count`` points, the points stacked, and redraws spent."""
    out = []
    for k, dims in enumerate(problem.shapes):
        rng = rng_for(seed, problem.id, part.name, str(k))
        points, redraws = [], 0
        for _ in range(count):
            values, spent = draw(problem.givens, dims, rng, getattr(part, "avoid", None))
            points.append(values)
            redraws += spent
        stacked = {name: np.stack([p[name] for p in points]) for name in points[0]}
        out.append((dict(dims), points, stacked, redraws))
    return out
