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
from derivekit.expr.parse import normalize, short
from derivekit.expr.tree import Node, Shape, const, is_scalar, var

FUNCTIONS = {
    "sigmoid": "sigmoid", "sigma": "sigmoid", "logistic": "sigmoid", "sigm": "sigmoid",
    "tanh": "tanh", "relu": "relu", "exp": "exp", "log": "log", "ln": "log", "sqrt": "sqrt",
    "abs": "abs", "sin": "sin", "cos": "cos", "softplus": "softplus", "step": "step",
    "heaviside": "step", "softmax": "softmax", "logsoftmax": "log_softmax", "trace": "trace",
    "tr": "trace", "det": "det", "logdet": "logdet", "sum": "total", "total": "total",
    "diag": "diag", "inv": "inv", "inverse": "inv", "transpose": "transpose", "norm": "norm",
    "sqnorm": "sqnorm", "kron": "kron", "hadamard": "hadamard", "max": "max",
    "floor": "floor", "ceil": "ceil",
}
"""Function names a user may type (lower-cased, underscores dropped) and what they mean."""


MAX_SPLIT = 24
"""Longest run of letters read as juxtaposed names (``Xw``); the split is quadratic."""


class UnknownSymbol(DerivekitError):
    """A name that is neither a given nor a known function."""


def key(text: str) -> str:
    """How names are compared: ``W_{1}``, ``W1`` and ``\\mathbf{W}_1`` are all ``W1``."""
    return re.sub(r"[\s_{}()\\]", "", text)


@dataclass
class Scope:
    """Named values an expression may use, with their shapes."""

    shapes: dict[str, Shape] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    """key -> name (from names first, then from their LaTeX spellings)."""

    @classmethod
    def of(cls, entries: Iterable[tuple[str, Shape, str | None]]) -> Scope:
        """From (name, shape, latex) triples; a LaTeX spelling never shadows a name."""
        scope = cls()
        entries = list(entries)
        for name, shape, _ in entries:
            scope.shapes[name] = tuple(shape)
            scope.keys[key(name)] = name
        from_latex: dict[str, set[str]] = {}
        for name, _, latex in entries:
            try:
                k = key(normalize(latex)) if latex else ""
            except DerivekitError:
                continue
            if k and k not in scope.keys:
                from_latex.setdefault(k, set()).add(name)
        scope.keys.update({k: names.pop() for k, names in from_latex.items() if len(names) == 1})
        return scope

    def add(self, name: str, shape: Shape) -> None:
        self.shapes[name] = tuple(shape)
        self.keys[key(name)] = name

    def lookup(self, text: str) -> str | None:
        return self.keys.get(key(text))

    def names(self) -> str:
        return ", ".join(sorted(self.shapes))


def function_of(text: str) -> str | None:
    return FUNCTIONS.get(key(text).lower())


def resolve(tree: raw.Raw, scope: Scope) -> Node:
    """The typed tree of ``tree``; raises UnknownSymbol or build.ShapeError."""
    return _Resolver(scope).node(tree)


@dataclass
class _Resolver:
    scope: Scope

    def node(self, t: raw.Raw) -> Node:
        method = getattr(self, "_" + type(t).__name__.lower())
        return method(t)

    # atoms -------------------------------------------------------------------------
    def _number(self, t: raw.Number) -> Node:
        return const(t.value)

    def _name(self, t: raw.Name) -> Node:
        name = self.scope.lookup(t.text)
        if name is not None:
            return var(name, self.scope.shapes[name])
        parts = self._split(t.text)
        if parts:
            out = parts[0]
            for p in parts[1:]:
                out = build.product(out, p)
            return out
        if function_of(t.text):
            raise UnknownSymbol(f"function {t.text} needs an argument")
        constant = _CONSTANTS.get(t.text)
        if constant is not None:
            return constant()
        identity = self._identity(t.text)
        if identity is not None:
            return identity
        raise UnknownSymbol(f"unknown symbol {short(t.text)!r} (expected one of: "
                            f"{short(self.scope.names(), 200)})")

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
                if self.scope.lookup(piece) is not None:
                    candidate = best[start] + [piece]
                    if end not in best or len(candidate) < len(best[end]):
                        best[end] = candidate
        pieces = best.get(len(base))
        if not pieces:
            return []
        return [var(n, self.scope.shapes[n]) for n in map(self.scope.lookup, pieces)]

    def _group(self, t: raw.Group) -> Node:
        if len(t.items) == 1:
            return self.node(t.items[0])
        return build.tuple_([self.node(i) for i in t.items])

    def _matrix(self, t: raw.Matrix) -> Node:
        return build.matrix([[self.node(e) for e in row] for row in t.rows])

    # operators ---------------------------------------------------------------------
    def _binary(self, t: raw.Binary) -> Node:
        a, b = self.node(t.left), self.node(t.right)
        return {
            "+": build.add, "-": build.sub, "*": build.product, "@": build.matmul,
            "/": build.divide, "hadamard": build.hadamard, "kron": build.kron,
        }[t.op](a, b)

    def _negate(self, t: raw.Negate) -> Node:
        return build.neg(self.node(t.operand))

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
        raise UnknownSymbol(f"indicator of {t.relation!r} is not supported (use >, <)")

    def _transpose(self, t: raw.Transpose) -> Node:
        return self._on_last(t.operand, build.transpose)

    def _on_last(self, operand: raw.Raw, op) -> Node:  # noqa: ANN001
        """``XX^T`` is X (X^T): a postfix on a glued name applies to its last name only."""
        if isinstance(operand, raw.Name) and self.scope.lookup(operand.text) is None:
            parts = self._split(operand.text)
            if len(parts) > 1:
                out = parts[0]
                for p in parts[1:-1]:
                    out = build.product(out, p)
                return build.product(out, op(parts[-1]))
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
        return self._on_last(t.base, lambda b: build.power(b, exponent))

    def _scalar(self, t: raw.Raw) -> bool:
        """Whether ``t`` names a scalar (for ``b^T``: a power when T is a given)."""
        return isinstance(t, raw.Name) and is_scalar(self.scope.shapes.get(
            self.scope.lookup(t.text) or "", (0, 0)))

    # application -------------------------------------------------------------------
    def _apply(self, t: raw.Apply) -> Node:
        if self.scope.lookup(t.name.text) is not None or not function_of(t.name.text):
            left = self._name(t.name)
            return build.product(left, self._group(raw.Group(t.args)))
        return self._call(t.name.text, [self.node(a) for a in t.args])

    def _call(self, text: str, args: list[Node]) -> Node:
        fn = function_of(text)
        if fn is None:
            raise UnknownSymbol(f"unknown function {short(text)!r}")
        binary = {"kron": build.kron, "hadamard": build.hadamard}
        if fn in binary or fn == "max":
            if len(args) != 2:
                raise UnknownSymbol(f"{text} takes two arguments, got {len(args)}")
            if fn == "max":  # max(a, b) = b + relu(a - b)
                return build.add(args[1], build.apply("relu", build.sub(args[0], args[1])))
            return binary[fn](*args)
        if len(args) != 1:
            raise UnknownSymbol(f"{text} takes one argument, got {len(args)}")
        (arg,) = args
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
            out = node if out is None else build.product(out, node)
        assert out is not None
        return out


def _function_name(t: raw.Raw, scope: Scope) -> bool:
    return isinstance(t, raw.Name) and scope.lookup(t.text) is None and bool(
        function_of(t.text))


def _sqnorm(a: Node) -> Node:
    return build.apply("total", build.hadamard(a, a)) if not is_scalar(a.shape) else \
        build.power(a, const(2))


_CONSTANTS = {
    "e": lambda: build.apply("exp", const(1)),
    "pi": lambda: Node("pi", (), ()),
}
"""Constants read when no given has the name."""


def scope_from(shapes: Mapping[str, Shape], latex: Mapping[str, str] | None = None) -> Scope:
    latex = latex or {}
    return Scope.of((name, shape, latex.get(name)) for name, shape in shapes.items())
