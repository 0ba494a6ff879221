"""Give a raw tree its meaning against a scope of named values (a problem's givens).

This is where ML notation is read the way people mean it: ``Xw`` is ``X`` times ``w`` when
both are givens, ``\\sigma(a)`` is the sigmoid unless a given is called sigma, ``W^T`` is a
transpose unless ``T`` is a scalar given and ``W`` a scalar, ``\\tanh^2(z)`` is
``tanh(z)²``, and products of a scalar (or a 1x1 matrix) with anything scale it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from derivekit.errors import DerivekitError
from derivekit.expr import build, raw
from derivekit.expr.parse import children, normalize, parse, short
from derivekit.expr.tree import Node, Sequence, Shape, const, is_scalar, shape_text, var

FUNCTIONS = {
    "sigmoid": "sigmoid", "sigma": "sigmoid", "logistic": "sigmoid", "sigm": "sigmoid",
    "tanh": "tanh", "relu": "relu", "exp": "exp", "log": "log", "ln": "log", "sqrt": "sqrt",
    "abs": "abs", "sin": "sin", "cos": "cos", "softplus": "softplus", "step": "step",
    "tan": "tan", "arctan": "arctan", "atan": "arctan", "arcsin": "arcsin", "asin": "arcsin",
    "arccos": "arccos", "acos": "arccos", "sinh": "sinh", "cosh": "cosh", "arctanh": "arctanh",
    "atanh": "arctanh", "arcsinh": "arcsinh", "asinh": "arcsinh",
    "var": "variance", "variance": "variance", "std": "std", "min": "min",
    "softmaxrows": "softmax_rows", "maxpool": "maxpool", "commutation": "commutation",
    "heaviside": "step", "softmax": "softmax", "logsoftmax": "log_softmax", "trace": "trace",
    "tr": "trace", "det": "det", "logdet": "logdet", "sum": "total", "total": "total",
    "mean": "mean", "avg": "mean",
    "diag": "diag", "inv": "inv", "inverse": "inv", "transpose": "transpose", "norm": "norm",
    "sqnorm": "sqnorm", "kron": "kron", "hadamard": "hadamard", "max": "max",
    "floor": "floor", "ceil": "ceil", "sign": "sign", "sgn": "sign",
    "xcorr": "xcorr", "corr": "xcorr", "conv": "conv", "convfull": "conv_full",
    "fullconv": "conv_full", "pad": "pad", "flip": "flip", "rot180": "flip",
    "zeros": "zeros", "ones": "ones", "flipud": "flipud", "reshape": "reshape", "vec": "vec", "eigmax": "eigmax",
    "lambdamax": "eigmax", "eigmin": "eigmin", "lambdamin": "eigmin",
}
"""Function names a user may type (lower-cased, underscores dropped) and what they mean."""

_SEVERAL = {"xcorr": (2, lambda a, k: build.correlate("xcorr", a, k)),
            "conv": (2, lambda a, k: build.correlate("conv", a, k)),
            "conv_full": (2, lambda a, k: build.correlate("conv_full", a, k)),
            "pad": (3, build.pad), "reshape": (3, build.reshape), "maxpool": (2, build.maxpool),
            "commutation": (2, build.commutation),
            "zeros": (2, lambda r, c: build.filled("zeros", r, c)),
            "ones": (2, lambda r, c: build.filled("ones", r, c))}
"""Functions of several arguments: how many, and their constructor."""


MAX_SPLIT = 24
"""Longest run of letters read as juxtaposed names (``Xw``); the split is quadratic."""


class UnknownSymbol(DerivekitError):
    """A name that is neither a given nor a known function."""


def key(text: str) -> str:
    """How names are compared: ``W_{1}``, ``W1`` and ``\\mathbf{W}_1`` are all ``W1``."""
    return re.sub(r"[\s_{}()\\]", "", text)


@dataclass
class Scope:
    """Named values an expression may use, with their shapes.

    A name resolves among ``preferred`` first (the givens a part is about): there a
    spelling that fits one of them means it, and one that fits several is ambiguous (never
    a silent pick). Elsewhere names win over LaTeX spellings."""

    shapes: dict[str, Shape] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    """key -> name (from names first, then from their LaTeX spellings)."""
    booleans: set[str] = field(default_factory=set)
    """Names bound to 0/1 values (truth-table inputs): for them ``\\bar A`` is ¬A."""
    spellings: dict[str, list[str]] = field(default_factory=dict)
    """key -> every name spelled so (by its name or its LaTeX)."""
    preferred: frozenset[str] = frozenset()
    written: dict[str, str] = field(default_factory=dict)
    """name -> its LaTeX spelling, for naming the choices of an ambiguous name."""
    defined: frozenset[str] = frozenset()
    """Givens the statement defines (ô = softmax(z₂)): an answer may restate them."""

    @classmethod
    def of(cls, entries: Iterable[tuple[str, Shape, str | None]],
           preferred: Iterable[str] = ()) -> Scope:
        """From (name, shape, latex) triples; a LaTeX spelling never shadows a name outside
        ``preferred``."""
        scope = cls(preferred=frozenset(preferred))
        entries = list(entries)
        for name, shape, _ in entries:
            scope.add(name, shape)
        from_latex: dict[str, set[str]] = {}
        for name, _, latex in entries:
            try:
                k = key(normalize(latex)) if latex else ""
            except DerivekitError:
                continue
            if k and name not in scope.spellings.setdefault(k, []):
                scope.spellings[k].append(name)
                scope.written[name] = latex
            if k and k not in scope.keys:
                from_latex.setdefault(k, set()).add(name)
        scope.keys.update({k: names.pop() for k, names in from_latex.items() if len(names) == 1})
        return scope

    def add(self, name: str, shape: Shape, boolean: bool = False) -> None:
        self.shapes[name] = tuple(shape)
        self.keys[key(name)] = name
        spelled = self.spellings.setdefault(key(name), [])
        if name not in spelled:
            spelled.insert(0, name)
        if boolean:
            self.booleans.add(name)

    def choices(self, text: str) -> list[str]:
        """The part's givens that ``text`` may mean (more than one: it is ambiguous)."""
        return [n for n in self.spellings.get(key(text), []) if n in self.preferred]

    def lookup(self, text: str) -> str | None:
        here = self.choices(text)
        if len(here) == 1:
            return here[0]
        if here:
            return None
        return self.keys.get(key(text))

    def names(self) -> str:
        return ", ".join(sorted(self.shapes))

    def ambiguity(self, text: str) -> str:
        """A one-line reason when ``text`` fits several of the part's givens, else ''."""
        here = self.choices(text)
        if len(here) < 2:
            return ""
        options = [f"{n} ({shape_text(self.shapes[n])}"
                   + (f", written {self.written[n]})" if n in self.written else ")")
                   for n in here]
        return (f"{short(text)} is ambiguous in this part: it may mean "
                f"{' or '.join(options)}; type the name")


def _uses_index(node: Node, letter: str) -> bool:
    """Whether ``node`` uses the index ``letter`` outside any inner sum or product over it."""
    if node.op == "index_var":
        return node.value == letter
    if node.op in ("sum_over", "prod_over") and node.value == letter:
        return any(_uses_index(end, letter) for end in node.args[:2])
    return any(_uses_index(arg, letter) for arg in node.args)


def _mentions(tree: raw.Raw, letter: str, scope: Scope, base: str) -> bool:
    """Whether ``letter`` occurs in ``tree`` as a name or inside a subscript: ``h_t = …h_{t-1}``
    defines a sequence, ``X_B = X_{1:2}`` (no B on the right) a name. A given's own spelling
    (``x_t`` for the given x) is no mention unless it is the defined name's own ``base``:
    ``f_t = σ(W_f x_t + …)`` defines a name, ``h_t = tanh(W h_{t-1})`` a sequence."""
    word = re.compile(rf"(?<![A-Za-z]){letter}(?![A-Za-z])")
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, raw.Bounded) and node.var == letter:
            continue  # a sum over the letter binds it: no mention inside
        own = isinstance(node, raw.Name) and key((_last_subscript(node.text) or ("",))[0]) == \
            key(base)
        if isinstance(node, raw.Name) and (own or scope.lookup(node.text) is None):
            subscripts = [braced or bare for braced, bare in
                          re.findall(r"_\{([^{}]*)\}|_([A-Za-z0-9]+)", node.text)]
            if node.text == letter or any(word.search(sub) for sub in subscripts):
                return True
        stack.extend(children(node))
    return False


def parse_subscript(text: str) -> raw.Raw:
    """One index inside a subscript: an expression or a range ``a:b`` (either end optional)."""
    if ":" not in text:
        return parse(text)
    lower, _, upper = text.partition(":")
    return raw.Span(parse(lower) if lower.strip() else None,
                    parse(upper) if upper.strip() else None)


_LOG_BASE = re.compile(r"(?:log|ln)([0-9]+)")
"""``\\log_{10}``, ``\\log_2``, ASCII ``log10``: a logarithm to a base."""


def function_of(text: str) -> str | None:
    word = key(text).lower()
    return "log" if _LOG_BASE.fullmatch(word) else FUNCTIONS.get(word)


Definition = tuple[raw.Name, raw.Raw]
"""``lhs = rhs`` from an answer's where-clause: ``kappa = …``, ``h_0 = …``, ``h_t = …``."""


def resolve(tree: raw.Raw, scope: Scope, definitions: Iterable[Definition] = ()) -> Node:
    """The typed tree of ``tree``, with the names ``definitions`` introduce; raises
    UnknownSymbol or build.ShapeError."""
    return resolve_all([tree], scope, definitions)[0][0]


def resolve_all(trees: Iterable[raw.Raw], scope: Scope, definitions: Iterable[Definition] = (),
                restated: dict[str, Node] | None = None) -> tuple[list[Node], list[str]]:
    """The typed trees of ``trees`` sharing one set of definitions, and those definitions as
    read (ASCII), for echoing an answer back. A definition of a given the statement defines
    (``where ô = softmax(z_2)``) goes to ``restated`` (name -> tree), for the caller to hold
    against the statement's; without ``restated`` it is refused."""
    from derivekit.expr.render import ascii_

    resolver = _Resolver(scope, restated=restated)
    resolver.define(list(definitions))
    nodes = [resolver.node(tree) for tree in trees]
    lines = [f"{node.value} = {ascii_(node.args[0])}" for node in resolver.aliases.values()]
    lines += [f"{name} = {ascii_(tree)}" for name, tree in (restated or {}).items()]
    for sequence in resolver.sequences.values():
        lines += [f"{sequence.name}_{{{ascii_(at)}}} = {ascii_(body)}"
                  for at, body in sequence.fixed]
        if sequence.general is not None:
            shift = f"{sequence.offset:+d}" if sequence.offset else ""
            lines.append(f"{sequence.name}_{{{sequence.param}{shift}}} = "
                         f"{ascii_(sequence.general)}")
    return nodes, lines


class _Pending(DerivekitError):
    """A definition uses a name whose shape is not known yet: try it again later."""

    def __init__(self, name: str) -> None:
        super().__init__(f"{short(name)} is used before its definition can be read")


_NEGATED = re.compile(r"([A-Za-z]+?)(bar|overline)(_.*)?")
"""A name the normalizer made of ``\\bar A_1``: base, decoration, subscript."""
_SUBSCRIPTED = re.compile(r"(.+)_(?:\{([^{}]*)\}|([A-Za-z0-9]+))")
_PARAMETER = re.compile(r"([A-Za-z])\s*(?:([+-])\s*([0-9]+))?")


def _last_subscript(text: str) -> tuple[str, str] | None:
    match = _SUBSCRIPTED.fullmatch(text)
    return (match.group(1), match.group(2) if match.group(2) is not None else match.group(3)) \
        if match else None


@dataclass
class _Case:
    """One definition: of an alias, or of a sequence at a fixed index ``at`` or at every
    index (``parameter``, with ``offset`` for ``s_{k+1} = …``)."""

    name: str
    rhs: raw.Raw
    label: str = ""
    """an alias's name as typed, for printing"""
    restates: str = ""
    """the defined given this definition restates"""
    sequence: Sequence | None = None
    at: str = ""
    parameter: str | None = None
    offset: int = 0


@dataclass
class _Bound:
    """An index variable in scope, and the axes it was seen indexing (for ``\\sum_i x_i``)."""

    extents: list[tuple] = field(default_factory=list)


@dataclass
class _Resolver:
    scope: Scope
    bound: dict[str, _Bound] = field(default_factory=dict)
    aliases: dict[str, Node] = field(default_factory=dict)
    sequences: dict[str, Sequence] = field(default_factory=dict)
    pending: set[str] = field(default_factory=set)
    restated: dict[str, Node] | None = None

    def node(self, t: raw.Raw) -> Node:
        method = getattr(self, "_" + type(t).__name__.lower())
        return method(t)

    # definitions -------------------------------------------------------------------
    def define(self, definitions: list[Definition]) -> None:
        """Read every definition, in whatever order they depend on each other."""
        cases = [self._case(lhs, rhs) for lhs, rhs in definitions]
        for sequence in self.sequences.values():
            self._start_from_givens(sequence, {c.at for c in cases if c.sequence is sequence})
        remaining = list(cases)
        while remaining:
            done = [case for case in remaining if self._try(case)]
            if not done:
                name = remaining[0].name
                raise UnknownSymbol(f"cannot tell the shape of {short(name)}: its definitions "
                                    "only use each other (give a starting case like h_0 = …)")
            remaining = [case for case in remaining if all(case is not d for d in done)]

    def _case(self, lhs: raw.Name, rhs: raw.Raw) -> _Case:
        """An alias (``kappa``, ``eta_{max}``), a sequence's case at a fixed index (``h_0``,
        ``\\delta_T`` for a dimension T) or at every index (``h_t``, ``s_{k+1}``: a letter that
        is not a given)."""
        if not isinstance(lhs, raw.Name):
            raise UnknownSymbol("the left side of a definition must be a name (kappa = …, "
                                "h_0 = …, h_t = …)")
        given = self.scope.lookup(lhs.text)
        if given in self.scope.defined and self.restated is not None:
            return _Case(key(lhs.text), rhs, restates=given)
        split = _last_subscript(lhs.text)
        sub = split[1].strip() if split else ""
        parameter = _PARAMETER.fullmatch(sub)
        if parameter and self.scope.lookup(parameter.group(1)) is None and _mentions(
                rhs, parameter.group(1), self.scope, split[0]):
            letter, sign, amount = parameter.groups()
            offset = int(amount or 0) * (-1 if sign == "-" else 1)
            return self._sequence_case(split[0], rhs, parameter=letter, offset=offset)
        if split and (sub.lstrip("-").isdigit() or parameter and self.scope.lookup(
                parameter.group(1)) is not None):
            return self._sequence_case(split[0], rhs, at=sub)
        if self.scope.lookup(lhs.text) is not None:
            raise UnknownSymbol(f"{short(lhs.text)} is a given: define a new name")
        self.pending.add(key(lhs.text))
        return _Case(key(lhs.text), rhs, label=re.sub(r"\s+", "", lhs.text))

    def _sequence_case(self, base: str, rhs: raw.Raw, **where: object) -> _Case:
        sequence = self.sequences.setdefault(key(base), Sequence(base))
        return _Case(key(base), rhs, sequence=sequence, **where)

    def _start_from_givens(self, sequence: Sequence, defined: set[str]) -> None:
        """A given called ``h_0`` (or ``h_1`` …) is the sequence's value there, unless the
        answer defines that case itself."""
        for k in range(10):
            name = self.scope.lookup(f"{sequence.name}_{{{k}}}")
            if name is not None and str(k) not in defined:
                sequence.fixed.append((const(k), var(name, self.scope.shapes[name])))
                sequence.shape = self.scope.shapes[name]

    def _try(self, case: _Case) -> bool:
        """Read one definition; False when it needs a name not read yet."""
        try:
            if case.restates:
                value = self.node(case.rhs)
                shape = self.scope.shapes[case.restates]
                if tuple(build.broadcast(value.shape, shape) or ()) != tuple(shape):
                    raise build.ShapeError(f"{case.restates} is {shape_text(shape)}, but its "
                                           f"definition here is {shape_text(value.shape)}")
                self.restated[case.restates] = value
                return True
            if case.sequence is None:
                value = self.node(case.rhs)
                self.aliases[case.name] = Node("alias", (value,), value.shape, case.label)
                self.pending.discard(case.name)
                return True
            if case.parameter is not None:
                self.bound[case.parameter] = _Bound()
                try:
                    body = self.node(case.rhs)
                finally:
                    self.bound.pop(case.parameter)
            else:
                at, body = self.node(parse(case.at)), self.node(case.rhs)
        except _Pending:
            return False
        sequence = case.sequence
        if sequence.shape is not None and tuple(sequence.shape) != tuple(body.shape):
            raise build.ShapeError(f"{sequence.name} has shape {sequence.shape} in one case "
                                   f"and {body.shape} in another")
        sequence.shape = body.shape
        if case.parameter is not None:
            if sequence.general is not None:
                raise UnknownSymbol(f"{sequence.name} has two general cases")
            sequence.param, sequence.offset, sequence.general = (case.parameter, case.offset,
                                                                 body)
        else:
            sequence.fixed.append((at, body))
        return True

    # atoms -------------------------------------------------------------------------
    def _number(self, t: raw.Number) -> Node:
        return const(t.value)

    def _name(self, t: raw.Name) -> Node:
        if t.text in self.bound:
            return build.index_var(t.text)
        defined = self._defined(t.text)
        if defined is not None:
            return defined
        ambiguous = self.scope.ambiguity(t.text)
        if ambiguous:
            raise UnknownSymbol(ambiguous)
        name = self.scope.lookup(t.text)
        if name is not None:
            return var(name, self.scope.shapes[name])
        negated = self._negated(t.text)
        if negated is not None:
            return negated
        indexed = self._subscripted(t.text)
        if indexed is not None:
            return indexed
        parts = self._split(t.text)
        if parts:
            out = parts[0]
            for p in parts[1:]:
                out = _product(out, p)
            return out
        constant = _CONSTANTS.get(t.text)
        if constant is not None:
            return constant()
        if function_of(t.text):
            raise UnknownSymbol(f"function {t.text} needs an argument")
        identity = self._identity(t.text)
        if identity is not None:
            return identity
        self._explain_free_index(t.text)
        raise UnknownSymbol(f"unknown symbol {short(t.text)!r} (expected one of: "
                            f"{short(self.scope.names(), 200)})")

    def _explain_free_index(self, text: str) -> None:
        """``D_i`` with ``i`` bound by nothing: say how to write it instead."""
        split = _last_subscript(text)
        if split is None or not re.fullmatch(r"[A-Za-z]", split[1].strip()):
            return
        base = self.scope.lookup(split[0])
        if base is not None and not is_scalar(self.scope.shapes[base]):
            index = split[1].strip()
            raise UnknownSymbol(f"index {index} of {short(text)} is free: sum over it "
                                f"(\\sum_{{{index}=1}}^{{n}}), or write entries as a range "
                                f"({split[0]}_{{1:n}}, {base}[:-1]) or the whole {split[0]}")

    def _negated(self, text: str) -> Node | None:
        """``\\bar A`` and ``\\overline{D}_1`` (read as ``Abar``, ``Doverline_1``): ¬A, ¬D_1
        when that is a Boolean name."""
        match = _NEGATED.fullmatch(text)
        name = self.scope.lookup(match.group(1) + (match.group(3) or "")) if match else None
        if name is None or name not in self.scope.booleans:
            return None
        return build.logic("not", var(name, self.scope.shapes[name]))

    def _defined(self, text: str) -> Node | None:
        """A name from the answer's definitions: an alias, or an entry of a sequence."""
        if key(text) in self.aliases:
            return self.aliases[key(text)]
        if key(text) in self.pending and key(text) not in self.sequences:
            raise _Pending(text)
        split = _last_subscript(text)
        if split is None or key(split[0]) not in self.sequences:
            return None
        sequence = self.sequences[key(split[0])]
        if sequence.shape is None:
            raise _Pending(text)
        return build.sequence_ref(sequence, self.node(parse(split[1])))

    def _subscripted(self, text: str) -> Node | None:
        """``k_1``, ``x_{i-1}``, ``X_{:,t}``, ``p_{data,i}`` (the given p_data, entry i),
        ``X_{ij}`` for bound i, j: entries of a given, counted from 1."""
        split = _last_subscript(text)
        if split is None:
            return None
        base, sub = split
        items = [item.strip() for item in sub.split(",")]
        candidates = [(base, items)] + [(f"{base}_{{{','.join(items[:k])}}}", items[k:])
                                        for k in range(1, len(items))]
        if len(items) == 1 and len(sub) > 1 and all(c in self.bound for c in sub):
            candidates.insert(0, (base, list(sub)))
        if re.fullmatch(r"[1-9]{2}", sub) and self._matrix_named(base):
            candidates.insert(0, (base, list(sub)))  # x_{12} of a matrix: row 1, column 2
        for name_text, index_texts in candidates:
            array = self.aliases.get(key(name_text))
            if array is None and self.scope.lookup(name_text) is not None:
                name = self.scope.lookup(name_text)
                array = var(name, self.scope.shapes[name])
            if array is None or is_scalar(array.shape):
                continue
            try:
                raws = [parse_subscript(item) for item in index_texts]
                items = [self._index_item(item) for item in raws]
            except DerivekitError:
                continue
            return self._indexed(array, items, raws, True)
        return None

    def _matrix_named(self, text: str) -> bool:
        name = self.scope.lookup(text)
        shape = self.scope.shapes.get(name, ()) if name else ()
        return len(shape) == 2 and 1 not in shape

    def _index_item(self, item: raw.Raw) -> Node | tuple:
        if isinstance(item, raw.Span):
            return tuple(None if end is None else self.node(end)
                         for end in (item.lower, item.upper))
        return self.node(item)

    def _indexed(self, array: Node, items: list, raws: list[raw.Raw], from_one: bool) -> Node:
        """The index node, noting which axis each bare index variable runs along."""
        out = build.index(array, items, from_one)
        for axis, item in zip(build.indexed_axes(array.shape, len(raws)), raws):
            if isinstance(item, raw.Name) and item.text in self.bound:
                self.bound[item.text].extents.append((array.shape[axis], from_one))
        return out

    def _index(self, t: raw.Index) -> Node:
        array = self.node(t.operand)
        return self._indexed(array, [self._index_item(i) for i in t.items], list(t.items),
                             t.from_one)

    def _span(self, t: raw.Span) -> Node:
        raise UnknownSymbol("a range a:b can only be an index")

    def _bounded(self, t: raw.Bounded) -> Node:
        lower, upper = (None, None) if t.lower is None else (self.node(t.lower),
                                                                self.node(t.upper))
        outer = self.bound.get(t.var)  # an inner sum over the same letter shadows it
        record = self.bound[t.var] = _Bound()
        try:
            body = self.node(t.body)
        finally:
            self.bound.pop(t.var)
            if outer is not None:
                self.bound[t.var] = outer
        if lower is None:
            if not record.extents:
                if t.kind == "sum" and not _uses_index(body, t.var):  # \sum_i of something
                    return build.apply("total", body)  # without i: all its entries
                if t.kind == "sum":
                    raise UnknownSymbol(f"\\sum_{t.var}: cannot tell the range of {t.var} "
                                        f"from its body, give the limits (\\sum_{{{t.var}=1}}"
                                        f"^{{n}})")
                raise UnknownSymbol(f"\\prod_{t.var}: give the range, e.g. "
                                    f"\\prod_{{{t.var}=1}}^{{n}}")
            size, from_one = record.extents[0]
            lower = const(1 if from_one else 0)
            upper = self._dimension(size)
            if not from_one:
                upper = build.sub(upper, const(1))
        return build.bounded(t.kind, t.var, lower, upper, body)

    def _dimension(self, size) -> Node:  # noqa: ANN001
        if isinstance(size, int):
            return const(size)
        name = self.scope.lookup(size) if isinstance(size, str) else None
        if name is None or self.scope.shapes[name]:
            raise UnknownSymbol(f"cannot tell the range of the index (a dimension {size}): "
                                "give the limits")
        return var(name, ())

    def _identity(self, text: str) -> Node | None:
        """``I`` (sized by its neighbours) or ``I_n`` / ``I_3``, when no given is called I."""
        base, _, sub = text.partition("_")
        if base != "I":
            return None
        size = sub.strip("{}")
        if not size:
            return build.identity(build.UNSIZED)
        if size.isdigit() and 0 < int(size) <= 64:
            return build.identity(int(size))
        if size in self.scope.shapes and not self.scope.shapes[size]:
            return build.identity(size)
        raise UnknownSymbol(f"identity {short(text)}: its size must be a number or a dimension")

    def _split(self, text: str) -> list[Node]:
        """``Xw`` -> X, w; ``lambdaw_{1}`` -> lambda, w_1: LaTeX juxtaposes single names."""
        base, _, sub = text.partition("_")
        if not base.isalpha() or not 2 <= len(base) <= MAX_SPLIT:
            return []
        best: dict[int, list[str]] = {0: []}
        for end in range(1, len(base) + 1):
            for start in range(end):
                if start not in best:
                    continue
                piece = base[start:end]
                if end == len(base) and sub:
                    piece += "_" + sub
                if self.scope.lookup(piece) is not None or self._answer_defines(piece):
                    candidate = best[start] + [piece]
                    if end not in best or len(candidate) < len(best[end]):
                        best[end] = candidate
        pieces = best.get(len(base))
        if not pieces:
            return []
        return [self._name(raw.Name(piece)) for piece in pieces]

    def _answer_defines(self, text: str) -> bool:
        """Whether the answer's where-clause defines ``text`` (``Xw_1 where w_1 = …``)."""
        split = _last_subscript(text)
        return key(text) in self.aliases or key(text) in self.pending or (
            split is not None and key(split[0]) in self.sequences)

    def _group(self, t: raw.Group) -> Node:
        if len(t.items) == 1:
            return self.node(t.items[0])
        return build.tuple_([self.node(i) for i in t.items])

    def _matrix(self, t: raw.Matrix) -> Node:
        return build.matrix([[self.node(e) for e in row] for row in t.rows])

    # operators ---------------------------------------------------------------------
    def _binary(self, t: raw.Binary) -> Node:
        a, b = self.node(t.left), self.node(t.right)
        if t.op in build.LOGIC:
            return build.logic(t.op, a, b)
        return {
            "+": build.add, "-": build.sub, "*": _product, "@": build.matmul,
            "/": build.divide, "hadamard": build.hadamard, "kron": build.kron,
            "xcorr": lambda x, k: build.correlate("xcorr", x, k),
        }[t.op](a, b)

    def _terms(self, t: raw.Terms) -> Node:
        """A sum as typed, left to right; a long one balanced (the same value, a tree whose
        depth grows with the log of its length, since later passes recurse over it)."""
        items = [(sign, self.node(term)) for sign, term in self._sums_extended(t.items)]
        if len(items) <= BALANCE_FROM:
            out = items[0][1] if items[0][0] > 0 else build.neg(items[0][1])
            for sign, node in items[1:]:
                out = build.add(out, node) if sign > 0 else build.sub(out, node)
            return out
        while len(items) > 1:
            items = [_pair(*items[i:i + 2]) if i + 1 < len(items) else items[i]
                     for i in range(0, len(items), 2)]
        sign, node = items[0]
        return node if sign > 0 else build.neg(node)

    def _sums_extended(self, items: tuple) -> list[tuple[int, raw.Raw]]:
        """``\\sum_i y_i\\log\\hat y_i + (1-y_i)\\log(1-\\hat y_i)``: a sum's body ends at
        the next + or -, unless the terms after it use its index (free there otherwise):
        then they belong to the body, as the person writing it means."""
        out: list[tuple[int, raw.Raw]] = []
        rest = list(items)
        while rest:
            sign, term = rest.pop(0)
            index = _trailing_sum(term)
            taken = []
            while index and rest and index not in self.bound and self.scope.lookup(
                    index) is None and _mentions(rest[0][1], index, self.scope, ""):
                taken.append(rest.pop(0))
            out.append((sign, _extend_sum(term, taken) if taken else term))
        return out

    def _negate(self, t: raw.Negate) -> Node:
        return build.neg(self.node(t.operand))

    def _not(self, t: raw.Not) -> Node:
        return build.logic("not", self.node(t.operand))

    def _frac(self, t: raw.Frac) -> Node:
        return build.divide(self.node(t.numerator), self.node(t.denominator))

    def _sqrt(self, t: raw.Sqrt) -> Node:
        return build.apply("sqrt", self.node(t.operand))

    def _total(self, t: raw.Total) -> Node:
        return build.apply("total", self.node(t.operand))

    def _abs(self, t: raw.Abs) -> Node:
        operand = self.node(t.operand)
        if len(operand.shape) == 2 and operand.shape[0] == operand.shape[1] and not is_scalar(
                operand.shape):
            return build.apply("det", operand)
        return build.apply("abs", operand)

    def _norm(self, t: raw.Norm) -> Node:
        operand = self.node(t.operand)
        vector = len(operand.shape) < 2 or 1 in operand.shape
        if t.sub == "1" and vector:
            return build.apply("total", build.apply("abs", operand))
        if t.sub not in ("", "2", "F") or (t.sub == "2" and not vector):
            raise UnknownSymbol(f"norm ||.||_{short(t.sub, 8)} of {operand.shape} is not supported "
                                "(Euclidean/Frobenius only)")
        return build.apply("sqrt", _sqnorm(operand))

    def _indicator(self, t: raw.Indicator) -> Node:
        left, right = self.node(t.left), self.node(t.right)
        strict = {">": ("step", left, right), "<": ("step", right, left),
                  ">=": ("nonneg", left, right), "<=": ("nonneg", right, left)}
        if t.relation in strict:  # 1[n >= 0] is 1 at 0: integer-valued givens land there
            fn, a, b = strict[t.relation]
            return build.apply(fn, build.sub(a, b))
        if t.relation == "=":  # 1[A = max(A)]: the arg-max indicator of a max's gradient
            return build.apply("iszero", build.sub(left, right))
        raise UnknownSymbol(f"indicator of {t.relation!r} is not supported (use >, <)")

    def _transpose(self, t: raw.Transpose) -> Node:
        if isinstance(t.operand, raw.Name):  # a given written b' is no transpose (ab' too)
            text = t.operand.text
            for cut in range(len(text) if text.isalpha() else 1):
                primed = self.scope.lookup(text[cut:] + "'")
                if primed is not None:
                    given = var(primed, self.scope.shapes[primed])
                    return _product(self._name(raw.Name(text[:cut])), given) if cut \
                        else given
        return self._on_last(t.operand, build.transpose)

    def _on_last(self, operand: raw.Raw, op) -> Node:  # noqa: ANN001
        """``XX^T`` is X (X^T): a postfix on a glued name applies to its last name only, and
        on a name before a bracket to the bracket (``δ (h)^T``, ``A (A^TA)^{64}``)."""
        if isinstance(operand, raw.Apply) and (self.scope.lookup(operand.name.text) is not None
                                               or not function_of(operand.name.text)):
            return _product(self._name(operand.name),
                                 op(self._group(raw.Group(operand.args))))
        if isinstance(operand, raw.Name) and self.scope.lookup(operand.text) is None:
            parts = self._split(operand.text)
            if len(parts) > 1:
                out = parts[0]
                for p in parts[1:-1]:
                    out = _product(out, p)
                return _product(out, op(parts[-1]))
        return op(self.node(operand))

    def _power(self, t: raw.Power) -> Node:
        if isinstance(t.base, raw.Name) and t.base.text == "e" and self.scope.lookup("e") is None:
            return build.apply("exp", self.node(t.exponent))
        if _function_name(t.base, self.scope):
            raise UnknownSymbol(f"function {t.base.text} needs an argument")
        if isinstance(t.exponent, raw.Name) and t.exponent.text == "T" and (
                self.scope.lookup("T") is None or not self._scalar(t.base)):
            return self._on_last(t.base, build.transpose)
        exponent = self.node(t.exponent)
        raise_to = build.elementwise_power if t.elementwise else build.power
        return self._on_last(t.base, lambda b: raise_to(b, exponent))

    def _scalar(self, t: raw.Raw) -> bool:
        """Whether ``t`` names a scalar (for ``b^T``: a power when T is a given)."""
        return isinstance(t, raw.Name) and is_scalar(self.scope.shapes.get(
            self.scope.lookup(t.text) or "", (0, 0)))

    # application -------------------------------------------------------------------
    def _apply(self, t: raw.Apply) -> Node:
        if self.scope.lookup(t.name.text) is not None or not function_of(t.name.text):
            left = self._name(t.name)
            return _product(left, self._group(raw.Group(t.args)))
        return self._call(t.name.text, [self.node(a) for a in t.args])

    def _call(self, text: str, args: list[Node]) -> Node:
        fn = function_of(text)
        if fn is None:
            raise UnknownSymbol(f"unknown function {short(text)!r}")
        binary = {"kron": build.kron, "hadamard": build.hadamard}
        if fn in ("max", "min") and len(args) == 1:  # the largest (smallest) entry
            return build.apply(fn, args[0])
        if fn in binary or fn in ("max", "min"):
            if len(args) != 2:
                raise UnknownSymbol(f"{text} takes two arguments, got {len(args)}")
            if fn == "max":  # max(a, b) = b + relu(a - b)
                return build.add(args[1], build.apply("relu", build.sub(args[0], args[1])))
            if fn == "min":  # min(a, b) = a - relu(a - b)
                return build.sub(args[0], build.apply("relu", build.sub(args[0], args[1])))
            return binary[fn](*args)
        if fn in _SEVERAL:
            count, construct = _SEVERAL[fn]
            if len(args) != count:
                raise UnknownSymbol(f"{text} takes {count} arguments, got {len(args)}")
            return construct(*args)
        if len(args) != 1:
            raise UnknownSymbol(f"{text} takes one argument, got {len(args)}")
        (arg,) = args
        base = _LOG_BASE.fullmatch(key(text).lower())
        if base:  # log_b x = ln x / ln b
            return build.divide(build.apply("log", arg),
                                build.apply("log", const(int(base.group(1)))))
        if fn == "transpose":
            return build.transpose(arg)
        if fn == "sqnorm":
            return _sqnorm(arg)
        if fn == "norm":
            return build.apply("sqrt", _sqnorm(arg))
        return build.apply(fn, arg)

    def _juxtapose(self, t: raw.Juxtapose) -> Node:
        factors = list(t.factors)
        out: Node | None = None
        i = 0
        while i < len(factors):
            f = factors[i]
            power = None
            if isinstance(f, raw.Power) and _function_name(f.base, self.scope):
                f, power = f.base, f.exponent
            if _function_name(f, self.scope):
                if i + 1 >= len(factors):
                    raise UnknownSymbol(f"function {f.text} needs an argument")
                arg = factors[i + 1]
                args = list(arg.items) if isinstance(arg, raw.Group) else [arg]
                node = self._call(f.text, [self.node(a) for a in args])
                if power is not None:
                    node = build.power(node, self.node(power))
                i += 2
            else:
                node = self.node(factors[i])
                i += 1
            out = node if out is None else _product(out, node)
        assert out is not None
        return out


def _product(a: Node, b: Node) -> Node:
    """``a b`` or ``a * b`` as a person means it: scaling or the matrix product
    (:func:`build.product`), and where neither fits two operands of one shape, element-wise,
    as NumPy reads ``y * log(yhat)`` (printed ``.*``, so the reply shows the reading)."""
    try:
        return build.product(a, b)
    except build.ShapeError:
        if a.shape == b.shape and build.UNSIZED not in a.shape:
            return build.hadamard(a, b)
        raise


def _function_name(t: raw.Raw, scope: Scope) -> bool:
    """A name that calls what follows it: a function, not a given or a constant (``E ones``
    is E times the ones column; ``ones(2, 3)`` is the call)."""
    return isinstance(t, raw.Name) and scope.lookup(t.text) is None and \
        t.text not in _CONSTANTS and bool(function_of(t.text))


def _trailing_sum(t: raw.Raw) -> str:
    """The index of the sum a term ends with (``-\\frac1m\\sum_i …``), or ''."""
    while isinstance(t, (raw.Negate, raw.Juxtapose)):
        t = t.operand if isinstance(t, raw.Negate) else t.factors[-1]
    return t.var if isinstance(t, raw.Bounded) and t.kind == "sum" else ""


def _extend_sum(t: raw.Raw, taken: list[tuple[int, raw.Raw]]) -> raw.Raw:
    """``t`` with the terms ``taken`` added to the body of the sum it ends with."""
    if isinstance(t, raw.Negate):
        return raw.Negate(_extend_sum(t.operand, taken))
    if isinstance(t, raw.Juxtapose):
        return raw.Juxtapose((*t.factors[:-1], _extend_sum(t.factors[-1], taken)))
    body = raw.Terms(((1, t.body), *taken))
    return raw.Bounded(t.kind, t.var, t.lower, t.upper, body)


BALANCE_FROM = 16
"""Sums of more terms than this are evaluated as a balanced tree."""


def _pair(left: tuple[int, Node], right: tuple[int, Node]) -> tuple[int, Node]:
    """(±a) + (±b) as (sign, node): -a - b is -(a + b), -a + b is b - a."""
    (s, a), (t, b) = left, right
    if s > 0:
        return 1, build.add(a, b) if t > 0 else build.sub(a, b)
    return (1, build.sub(b, a)) if t > 0 else (-1, build.add(a, b))


def _sqnorm(a: Node) -> Node:
    return build.apply("total", build.hadamard(a, a)) if not is_scalar(a.shape) else \
        build.power(a, const(2))


_CONSTANTS = {
    "\\ones": lambda: build.ones((build.UNSIZED, 1)),
    "ones": lambda: build.ones((build.UNSIZED, 1)),
    "e": lambda: build.apply("exp", const(1)),
    "pi": lambda: Node("pi", (), ()),
}
"""Constants read when no given has the name."""


def scope_from(shapes: Mapping[str, Shape], latex: Mapping[str, str] | None = None) -> Scope:
    """A scope of named shapes; computed sizes (``h-k+1``) in canonical form, as the
    constructors compute them."""
    latex = latex or {}
    return Scope.of((name, tuple(build.canonical_size(d) for d in shape), latex.get(name))
                    for name, shape in shapes.items())
