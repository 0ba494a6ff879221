"""The problem model: what a problem file states. Plain data, no heavy imports.

A problem declares its givens (name, shape, domain) and its parts. Each part states a
*function* written once against :mod:`derivekit.ops` (so SymPy and JAX trace the same
definition) and the closed form the problem claims for it. The kind of part says what is
asked and therefore how the engine derives and witnesses it; parts hold no checking logic.

Conventions
-----------
* Vectors are column matrices: shape ``(n, 1)``. Scalars have shape ``()``.
* Shapes may use symbolic dimensions (``("m", "n")``); ``Problem.shapes`` lists the concrete
  dimension sets the engine checks (at least three when any dimension is symbolic).
* Matrix derivatives state their layout. ``denominator`` (the default): the gradient of a
  scalar has the shape of the variable, and the Jacobian of ``f: R^p -> R^n`` is ``p x n``.
  ``numerator``: the transpose of that (``n x p`` Jacobian, row-vector gradient).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from typing import Any, Callable, ClassVar, Literal, Mapping, Union

from derivekit.display import Displayable
from derivekit.errors import ProblemDefinitionError

Dim = Union[int, str]
Shape = tuple[Dim, ...]
Fn = Callable[..., Any]
"""A function of givens, called with the givens it names as keyword arguments."""

Layout = Literal["denominator", "numerator"]
LAYOUTS: tuple[str, ...] = ("denominator", "numerator")


# --------------------------------------------------------------------------- domains
@dataclass(frozen=True)
class Domain:
    """Where a given's entries live; the sampler draws from it and SymPy gets its assumptions.

    ``low``/``high`` are numbers or functions of earlier givens (for ``interval``), which lets
    a step size be drawn inside a range that depends on the data.
    """

    kind: Literal["real", "positive", "unit", "binary", "spd", "invertible", "simplex",
                  "onehot", "interval", "integer",
                  "normal"]
    low: float | Fn | None = None
    high: float | Fn | None = None
    scale: str | None = None
    """For ``normal``: the name of the given that is the standard deviation."""

    def describe(self) -> str:
        if self.kind == "interval":
            return "interval (low, high) that may depend on other givens"
        if self.kind == "integer":
            ends = [e if not callable(e) else "f(givens)" for e in (self.low, self.high)]
            return f"integers {ends[0]}..{ends[1]}"
        if self.kind == "normal":
            return f"Gaussian N(0, {self.scale}^2) per entry"
        return {
            "real": "real",
            "positive": "positive reals",
            "unit": "open interval (0, 1)",
            "binary": "{0, 1}",
            "spd": "symmetric positive definite",
            "invertible": "invertible, positive determinant (identity plus noise)",
            "simplex": "probability vector (positive, sums to 1)",
            "onehot": "one-hot vector (a single 1, zeros elsewhere)",
        }[self.kind]


REAL = Domain("real")
POSITIVE = Domain("positive")
UNIT = Domain("unit")
BINARY = Domain("binary")
SPD = Domain("spd")
INVERTIBLE = Domain("invertible")
SIMPLEX = Domain("simplex")
ONEHOT = Domain("onehot")


def interval(low: float | Fn, high: float | Fn) -> Domain:
    """An open interval whose ends may be functions of earlier givens."""
    return Domain("interval", low=low, high=high)


def integers(low: int | Fn, high: int | Fn) -> Domain:
    """Integers from ``low`` to ``high`` inclusive (ends may be functions of earlier givens):
    kernel sizes, strides, channel counts."""
    return Domain("integer", low=low, high=high)


def normal(scale: str) -> Domain:
    """I.i.d. zero-mean Gaussian entries with standard deviation given by ``scale``."""
    return Domain("normal", scale=scale)


@dataclass(frozen=True)
class Given:
    name: str
    shape: Shape = ()
    domain: Domain = REAL
    latex: str | None = None
    description: str = ""
    definition: str = ""
    """A name the statement defines (``ohat`` for ô = softmax(z₂)), in derivekit's notation:
    at every point its value is computed from the givens before it, never drawn, so that a
    typed ``\\hat o - o`` means what the statement means. A part may still differentiate
    with respect to it (∂E/∂z₂ in backprop): the rest of the function is then read with it
    held as a variable."""

    @property
    def tex(self) -> str:
        return self.latex or self.name


# --------------------------------------------------------------------------- claims
@dataclass(frozen=True)
class Source:
    """Where a problem comes from: the seed file name and the seed's own section numbering."""

    seed: str
    section: str


@dataclass(frozen=True)
class Claim:
    """What a seed solution claimed, transcribed faithfully even when wrong.

    The audit substitutes ``value`` for the part's answer field (``field`` names another
    one, e.g. ``sense`` for "the generator maximises") and runs the part's checks on it.
    """

    text: str
    value: Any = None
    """The claim as a function of givens (or a field value); None when it is prose."""
    field: str | None = None
    section: str = ""
    """The seed's own numbering for this claim, when finer than the problem's section."""
    reason: str = ""
    """Why a prose claim cannot be checked (shown as the 'unverifiable' detail)."""
    holds_in: str = ""
    """Another part of the problem where the claim is right: then a claim that fails its own
    part is 'partly' right, under ``condition``."""
    condition: str = ""
    holds_value: Any = None
    """The claim read under ``condition``, as that other part's answer (default: ``value``)."""
    judged_by: str = ""
    """For a prose claim (``Problem.prose``): the part that confirms or refutes it. ``value``
    is then the claim read as that part's answer, and ``reason`` says how the prose was read
    ("positive definite: rank d"); the audit judges it like a part's claim."""


@dataclass(frozen=True)
class Wrong:
    """A plausible wrong answer (a real student or seed mistake) that the checks must reject.

    ``value`` replaces the part's answer field (``field`` names another one when needed).
    """

    label: str
    value: Any
    field: str | None = None


@dataclass(frozen=True)
class AnswerReader:
    """How a typed answer that is not itself the graded value is read: a student types a
    network's weights, the part grades the table the network computes with them.

    The typed answer is a tuple of ``len(items)`` values (``W_h = …, B_h = …`` or bare); each
    must have its item's shape (a number fills it, a flat list fills a column), and ``fn``
    is called with them in order. Its result is compared with the part's truth.
    """

    fn: Fn
    items: tuple[tuple[str, Shape], ...]
    """(name, concrete shape) of each typed value, in the order ``fn`` takes them."""


# --------------------------------------------------------------------------- parts
FORMS = re.compile(r"sum of products|closed form|matrix form|expanded in (\w+)")
"""Forms a part may ask for: an OR of ANDs of (negated) inputs; no recursion; no sum over an
index; a polynomial expanded in one given (each power of it in its own term)."""


@dataclass(frozen=True, kw_only=True)
class Part:
    """Common fields of every part. Subclasses add the function and the claimed closed form."""

    name: str
    asks: str
    """One line: what the part asks, in words (may contain inline LaTeX)."""
    answer_latex: str
    """The closed form as a person writes it (LaTeX)."""
    claim: Claim | None = None
    wrong: tuple[Wrong, ...] = ()
    notes: str = ""
    derivation: tuple[str, ...] = ()
    """The derivation as a short chain of LaTeX display lines (answer sheets show them)."""
    answer_inputs: Mapping[str, Any] = field(default_factory=dict, compare=False)
    """Names a typed answer may use beyond the givens, each bound to a fixed 1-D array: the
    inputs of a truth table (``{"A": A, …}``, one entry per row of the table). They are 0/1
    (Boolean) scalars to the parser, so ``\\bar A`` is ¬A, and a formula in them evaluates
    to the whole table at once: its last axis runs over the arrays' entries."""
    answer_reader: AnswerReader | None = None
    """Set when the typed value must be run through the problem's own function to be graded."""
    form: str = ""
    """The form the question asks the answer in (see ``FORMS``): a typed answer equal in
    value but written otherwise is graded ``equivalent-wrong-form``."""
    about: tuple[str, ...] = ()
    """The givens this part is about, when its functions do not say it by the givens they
    take: a typed name resolves among these first (``y`` is the scalar label here, not the
    problem's vector y)."""

    KIND: ClassVar[str] = "part"
    ANSWER_FIELD: ClassVar[str] = "answer"

    def with_answer(self, value: Any, field: str | None = None) -> Part:
        """This part claiming ``value`` instead (for wrong variants and seed claims)."""
        return replace(self, **{field or self.ANSWER_FIELD: value})


@dataclass(frozen=True, kw_only=True)
class Derivative(Part):
    """d f/d(wrt): a gradient when f is scalar, a Jacobian when it is a vector or a matrix.

    The function is stated once, as ``expression`` in derivekit's notation
    (``"-sum(o .* log(ohat))"``); the matrix deriver derives the closed form, which is the
    part's answer unless the part claims one. ``answer`` (a notation string or a function of
    givens) and every ``Wrong``/``Claim`` value are claims checked against the derivation.
    A part the deriver cannot handle states ``underivable`` (why) with ``of`` and ``answer``
    as functions.
    """

    wrt: str
    expression: str = ""
    of: Fn | None = None
    """The function as Python over :mod:`derivekit.ops`; filled from ``expression`` when
    the problem is loaded."""
    answer: Fn | str | None = None
    answer_latex: str = ""
    """The sheet's wording of the answer; empty: the derived form is printed."""
    layout: Layout = "denominator"
    avoid: Fn | str | None = None
    """Values kept away from 0 by the sampler (pre-activations of ReLU): non-smooth points.
    Parts stated by ``expression`` avoid the kinks of their function by themselves."""
    underivable: str = ""
    """Why the deriver cannot derive this part (``derivekit list --underivable``)."""

    KIND: ClassVar[str] = "derivative"


@dataclass(frozen=True, kw_only=True)
class Equation(Part):
    """``lhs == rhs`` for every admissible value of the givens (an exact value when none)."""

    lhs: Fn
    rhs: Fn

    KIND: ClassVar[str] = "equation"
    ANSWER_FIELD: ClassVar[str] = "rhs"


@dataclass(frozen=True, kw_only=True)
class Expectation(Part):
    """``E_noise[of] == equals`` where ``noise`` are Gaussian givens (domain ``normal``)."""

    of: Fn
    equals: Fn
    noise: tuple[Given, ...]
    samples: int = 40_000

    KIND: ClassVar[str] = "expectation"
    ANSWER_FIELD: ClassVar[str] = "equals"


@dataclass(frozen=True, kw_only=True)
class Optimum(Part):
    """``answer`` is the arg-min (or arg-max) of the scalar ``of`` over ``wrt``."""

    of: Fn
    wrt: str
    answer: Fn
    sense: Literal["min", "max"] = "min"
    smooth: bool = True
    """False for piecewise objectives (max of |.|): then only the perturbation witness runs."""

    KIND: ClassVar[str] = "optimum"


@dataclass(frozen=True, kw_only=True)
class Iteration(Part):
    """``closed_form(t)`` equals the state after ``t`` applications of ``step`` from ``start``."""

    step: Fn
    """Called as ``step(state, **givens)``."""
    start: Fn
    closed_form: Fn
    """Called as ``closed_form(t, **givens)``."""
    steps: int = 30

    KIND: ClassVar[str] = "iteration"
    ANSWER_FIELD: ClassVar[str] = "closed_form"


@dataclass(frozen=True, kw_only=True)
class Limit(Part):
    """The iterates of ``step`` from ``start`` converge to ``answer``."""

    step: Fn
    start: Fn
    answer: Fn
    steps: int = 20_000

    KIND: ClassVar[str] = "limit"


@dataclass(frozen=True, kw_only=True)
class ConvergenceRange(Part):
    """The iterates of ``step`` converge exactly when ``lower < param < upper``.

    ``param`` names a given; the engine sweeps it and ignores its sampled value.
    """

    step: Fn
    start: Fn
    param: str
    lower: Fn
    upper: Fn
    steps: int = 3_000

    KIND: ClassVar[str] = "convergence-range"
    ANSWER_FIELD: ClassVar[str] = "upper"


PART_KINDS: tuple[type[Part], ...] = (
    Derivative,
    Equation,
    Expectation,
    Optimum,
    Iteration,
    Limit,
    ConvergenceRange,
)


# --------------------------------------------------------------------------- figures
@dataclass(frozen=True)
class Plot:
    """Data for one figure of an answer sheet; the sheet draws it (matplotlib, Agg)."""

    series: tuple[tuple[str, Any, Any], ...]
    """(label, x values, y values) per curve."""
    xlabel: str = ""
    ylabel: str = ""
    vlines: tuple[tuple[float, str], ...] = ()
    """Marked x positions (a stability boundary, an optimum) with their labels."""
    logy: bool = False
    stem: bool = False
    """Draw discrete sequences as stems instead of lines."""


@dataclass(frozen=True)
class Figure:
    name: str
    """File stem of the figure (kebab-case)."""
    caption: str
    plot: Callable[[], Plot]
    """Computes the data, deterministically (fixed seeds inside)."""


# --------------------------------------------------------------------------- problem
_KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Problem(Displayable):
    id: str
    title: str
    source: Source
    statement: str
    """The problem statement in LaTeX (text mode with inline math)."""
    givens: tuple[Given, ...]
    parts: tuple[Part, ...]
    shapes: tuple[Mapping[str, int], ...] = ({},)
    """Concrete values of the symbolic dimensions, one mapping per shape set."""
    figures: tuple[Figure, ...] = ()
    prose: tuple[Claim, ...] = ()
    """Seed claims with no checkable form (opinions, explanations): listed by the audit as
    'unverifiable' with their ``reason``, never silently skipped."""
    path: str = field(default="", compare=False)
    """The file the problem was loaded from (set by the registry)."""

    def __post_init__(self) -> None:
        _validate(self)

    def given(self, name: str) -> Given:
        for g in self.givens:
            if g.name == name:
                return g
        raise ProblemDefinitionError(f"{self.id}: no given named {name!r}")

    def part(self, name: str) -> Part:
        for p in self.parts:
            if p.name == name:
                return p
        names = ", ".join(p.name for p in self.parts)
        raise ProblemDefinitionError(f"{self.id}: no part named {name!r} (parts: {names})")

    @property
    def symbolic_dims(self) -> tuple[str, ...]:
        """The dimension names (a computed size such as ``h-k+1`` contributes its names)."""
        dims = {name for g in self.givens for d in g.shape if isinstance(d, str)
                for name in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", d)}
        return tuple(sorted(dims))


def _validate(problem: Problem) -> None:
    where = problem.id or "<problem>"
    if not _KEBAB.match(problem.id):
        raise ProblemDefinitionError(f"{where}: id must be kebab-case (a-z, 0-9, '-')")
    names = [g.name for g in problem.givens]
    if len(set(names)) != len(names):
        raise ProblemDefinitionError(f"{where}: duplicate given names")
    if not problem.parts:
        raise ProblemDefinitionError(f"{where}: a problem needs at least one part")
    part_names = [p.name for p in problem.parts]
    if len(set(part_names)) != len(part_names):
        raise ProblemDefinitionError(f"{where}: duplicate part names")
    dims = set(problem.symbolic_dims)
    if dims and len(problem.shapes) < 3:
        raise ProblemDefinitionError(f"{where}: symbolic dimensions need at least 3 shape sets")
    for shape_set in problem.shapes:
        missing = dims - set(shape_set)
        if missing:
            raise ProblemDefinitionError(
                f"{where}: shape set {dict(shape_set)} lacks {', '.join(sorted(missing))}"
            )
    for part in problem.parts:
        if not isinstance(part, PART_KINDS):
            raise ProblemDefinitionError(f"{where}: part {part.name!r} is not a known part kind")
        for attr in ("wrt", "param"):
            ref = getattr(part, attr, None)
            if ref is not None and ref not in names:
                raise ProblemDefinitionError(
                    f"{where}/{part.name}: {attr}={ref!r} is not a given"
                )
        form = FORMS.fullmatch(part.form) if part.form else None
        if part.form and (form is None or form.group(1) and form.group(1) not in names):
            raise ProblemDefinitionError(
                f"{where}/{part.name}: form={part.form!r} is not one of: sum of products, "
                "closed form, matrix form, expanded in GIVEN")
        unknown = [n for n in part.about if n not in names]
        if unknown:
            raise ProblemDefinitionError(
                f"{where}/{part.name}: about={unknown} names no given")
        shadowed = set(part.answer_inputs) & set(names)
        if shadowed:
            raise ProblemDefinitionError(
                f"{where}/{part.name}: answer inputs {sorted(shadowed)} shadow givens")
        if isinstance(part, (Derivative, Optimum)) and problem.given(part.wrt).domain.kind in (
                "spd", "simplex", "onehot", "binary", "integer"):
            raise ProblemDefinitionError(
                f"{where}/{part.name}: cannot differentiate with respect to {part.wrt!r}: its "
                "entries are tied (symmetric, summing to 1) or discrete; use free entries")
        if isinstance(part, Derivative):
            _validate_derivative(where, part)
        valid_fields = {f.name for f in fields(part)}
        for wrong in part.wrong:
            if (wrong.field or part.ANSWER_FIELD) not in valid_fields:
                raise ProblemDefinitionError(
                    f"{where}/{part.name}: wrong answer {wrong.label!r} names no field"
                )
        claim = part.claim
        if claim is not None and claim.value is not None and (
                claim.field or part.ANSWER_FIELD) not in valid_fields:
            raise ProblemDefinitionError(f"{where}/{part.name}: the claim names no field")
        if claim is not None and claim.holds_in and claim.holds_in not in part_names:
            raise ProblemDefinitionError(
                f"{where}/{part.name}: claim holds_in={claim.holds_in!r} is not a part")
    for given in problem.givens:
        if given.definition and given.domain.kind != "real":
            raise ProblemDefinitionError(
                f"{where}: given {given.name!r} is defined ({given.definition}), so it has no "
                "domain to draw from")
    for claim in problem.prose:
        if not claim.reason:
            raise ProblemDefinitionError(f"{where}: prose claim {claim.text[:40]!r} needs a reason")
        if claim.judged_by and (claim.judged_by not in part_names or claim.value is None or (
                claim.holds_in and claim.holds_in not in part_names)):
            raise ProblemDefinitionError(
                f"{where}: prose claim {claim.text[:40]!r}: judged_by={claim.judged_by!r} "
                "needs a part of this problem and the claim's value as its answer")


def _validate_derivative(where: str, part: Derivative) -> None:
    here = f"{where}/{part.name}"
    if part.layout not in LAYOUTS:
        raise ProblemDefinitionError(f"{here}: layout must be one of {LAYOUTS}")
    if part.underivable:
        if part.of is None or part.answer is None:
            raise ProblemDefinitionError(f"{here}: an underivable part states of= and answer=")
    elif not part.expression and (part.of is None or part.answer is None):
        raise ProblemDefinitionError(
            f"{here}: state the function as expression=\"…\" (or, for a part the deriver "
            "cannot handle, of= and answer= with underivable=\"why\")")
