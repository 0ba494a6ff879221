"""Print a typed tree as LaTeX, as ASCII (the notation ``derivekit check`` reads back), or as
NumPy/JAX source for ``derivekit codegen``.

Parentheses come from precedence, so printing and re-parsing gives the same tree.
"""

from __future__ import annotations

import re
from fractions import Fraction
from derivekit.expr.tree import Node

_OR, _XOR, _AND, _SUM, _NEG, _PRODUCT, _POSTFIX, _ATOM = range(1, 9)
_CONNECTIVES = {"or": (_OR, r"\vee", "or"), "xor": (_XOR, r"\oplus", "xor"),
                "and": (_AND, r"\wedge", "and")}
"""Logic operators: precedence (below arithmetic, as the grammar reads them), LaTeX, ASCII."""
_LATEX_FUNCTIONS = {
    "sigmoid": r"\sigma", "tanh": r"\tanh", "relu": r"\operatorname{ReLU}",
    "step": r"\mathbb{1}", "exp": r"\exp", "log": r"\log", "sin": r"\sin", "cos": r"\cos",
    "tan": r"\tan", "arctan": r"\arctan", "arcsin": r"\arcsin", "arccos": r"\arccos",
    "sinh": r"\sinh", "cosh": r"\cosh", "arctanh": r"\operatorname{artanh}",
    "arcsinh": r"\operatorname{arsinh}", "variance": r"\operatorname{var}",
    "std": r"\operatorname{std}", "max": r"\max", "min": r"\min",
    "softplus": r"\operatorname{softplus}", "softmax": r"\operatorname{softmax}",
    "softmax_rows": r"\operatorname{softmax}",
    "log_softmax": r"\operatorname{log\,softmax}", "trace": r"\operatorname{tr}",
    "det": r"\det", "logdet": r"\log\det", "total": r"\operatorname{sum}",
    "mean": r"\operatorname{mean}",
    "diag": r"\operatorname{diag}", "diagonal": r"\operatorname{diag}", "abs": "",
    "sign": r"\operatorname{sign}",
    "flip": r"\operatorname{flip}", "flipud": r"\operatorname{flipud}",
    "vec": r"\operatorname{vec}", "eigmax": r"\lambda_{\max}", "eigmin": r"\lambda_{\min}",
}
_LATEX_CALLS = {
    "xcorr": r"\operatorname{xcorr}", "conv": r"\operatorname{conv}",
    "conv_full": r"\operatorname{conv}_{\text{full}}", "pad": r"\operatorname{pad}",
    "reshape": r"\operatorname{reshape}", "maxpool": r"\operatorname{maxpool}",
    "commutation": r"\operatorname{K}",
}
"""Functions of several arguments, printed name(a, b, …); ASCII and Python use the op name."""
_ASCII_FUNCTIONS = {"total": "sum", "softmax_rows": "softmax", "log_softmax": "logsoftmax",
                    "diagonal": "diag", "variance": "var"}
_GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "eta", "theta", "kappa", "lambda", "mu",
          "nu", "xi", "pi", "rho", "sigma", "tau", "phi", "chi", "psi", "omega", "Gamma",
          "Delta", "Theta", "Lambda", "Sigma", "Phi", "Psi", "Omega"}


def _fraction(value: Fraction, latex: bool) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    if latex:
        sign = "-" if value < 0 else ""
        return rf"{sign}\frac{{{abs(value.numerator)}}}{{{value.denominator}}}"
    return f"{value.numerator}/{value.denominator}"


def _latex_name(name: str, latex_names: dict[str, str]) -> str:
    if name in latex_names:
        return latex_names[name]
    base, _, sub = name.partition("_")
    numbered = re.fullmatch(r"([A-Za-z]+)(\d+)", base)
    if numbered and not sub:  # W2 -> W_{2}
        base, sub = numbered.groups()
    base = {"lam": "lambda", "eps": "epsilon"}.get(base, base)
    base = rf"\{base}" if base in _GREEK else base
    return f"{base}_{{{sub}}}" if sub else base


def _precedence(node: Node) -> int:
    if node.op in _CONNECTIVES:
        return _CONNECTIVES[node.op][0]
    if node.op in ("add", "sub"):
        return _SUM
    if node.op in ("neg", "sum_over", "prod_over") or (node.op == "const" and node.value < 0) or (
            node.op == "scale" and node.args[0].op == "const" and node.args[0].value < 0):
        return _NEG
    if node.op in ("scale", "matmul", "hadamard", "div", "kron"):
        return _PRODUCT
    if node.op in ("pow", "matpow", "T", "inv") or (
            node.op == "const" and node.value.denominator != 1):
        return _POSTFIX
    return _ATOM


class _Printer:
    def __init__(self, latex: bool, names: dict[str, str] | None = None) -> None:
        self.latex = latex
        self.names = names or {}

    def __call__(self, node: Node) -> str:
        return getattr(self, "_" + node.op, self._function)(node)

    def wrap(self, node: Node, at_least: int) -> str:
        text = self(node)
        called = node.op == "kron" and not self.latex  # kron(a, b) is a call in ASCII
        if _precedence(node) < at_least and not called:
            return rf"\left({text}\right)" if self.latex else f"({text})"
        return text

    def _const(self, node: Node) -> str:
        return _fraction(node.value, self.latex)

    def _var(self, node: Node) -> str:
        return _latex_name(node.value, self.names) if self.latex else node.value

    def _zeros(self, node: Node) -> str:
        return r"\mathbf{0}" if self.latex else self._filled(node)

    def _ones(self, node: Node) -> str:
        if not self.latex:
            return self._filled(node)
        column, row = node.shape[-1:] == (1,), node.shape[:1] == (1,)
        return r"\mathbf{1}" if column else r"\mathbf{1}^\top" if row else \
            r"\mathbf{1}\mathbf{1}^\top"

    def _filled(self, node: Node) -> str:
        """``zeros(m, 1)``: sized, so that the text reads back with its shape."""
        if len(node.shape) != 2 or "?" in node.shape:
            return {"zeros": "0", "ones": "ones"}[node.op]
        return f"{node.op}({node.shape[0]}, {node.shape[1]})"

    def _identity(self, node: Node) -> str:
        return "I"

    def _pi(self, node: Node) -> str:
        return r"\pi" if self.latex else "pi"

    def _add(self, node: Node) -> str:
        return f"{self(node.args[0])} + {self.wrap(node.args[1], _SUM + 1)}"

    def _sub(self, node: Node) -> str:
        return f"{self(node.args[0])} - {self.wrap(node.args[1], _SUM + 1)}"

    def _neg(self, node: Node) -> str:
        return f"-{self.wrap(node.args[0], _PRODUCT)}"

    def _not(self, node: Node) -> str:
        inner = self(node.args[0])
        return rf"\overline{{{inner}}}" if self.latex else f"not({inner})"

    def _connective(self, node: Node) -> str:
        """Left-associative, like the grammar: ``A or B or C`` is ``(A or B) or C``."""
        level, latex_op, ascii_op = _CONNECTIVES[node.op]
        op = latex_op if self.latex else ascii_op
        return f"{self.wrap(node.args[0], level)} {op} {self.wrap(node.args[1], level + 1)}"

    _or = _xor = _and = _connective

    def _product(self, node: Node, latex_op: str, ascii_op: str) -> str:
        left, right = node.args
        chain = {"scale", "matmul"}
        left_text = self.wrap(left, _PRODUCT + (left.op != node.op and not (
            {left.op, node.op} <= chain)))
        right_text = self.wrap(right, _PRODUCT + (node.op not in chain or right.op not in chain))
        op = latex_op if self.latex else ascii_op
        return f"{left_text}{op}{right_text}"

    def _scale(self, node: Node) -> str:
        s, a = node.args
        if s.op == "const" and s.value < 0:  # -2*x, not (-2)*x
            return f"-{self(Node('scale', (Node('const', (), (), -s.value), a), node.shape))}"
        return self._product(node, r"\," if s.op == "const" else " ", "*")

    def _matmul(self, node: Node) -> str:
        return self._product(node, " ", " @ ")

    def _hadamard(self, node: Node) -> str:
        return self._product(node, r" \odot ", " .* ")

    def _kron(self, node: Node) -> str:
        return self._product(node, r" \otimes ", " kron ") if self.latex else \
            f"kron({self(node.args[0])}, {self(node.args[1])})"

    def _div(self, node: Node) -> str:
        a, b = node.args
        if self.latex:
            return rf"\frac{{{self(a)}}}{{{self(b)}}}"
        return f"{self.wrap(a, _PRODUCT)} / {self.wrap(b, _POSTFIX)}"

    def _pow(self, node: Node) -> str:
        """An entry-wise power of a square matrix is marked (``A.^2``, ``A^{\\circ 2}``): a
        plain ``^`` on it reads back as a matrix power."""
        base, exponent = node.args
        marked = node.op == "pow" and len(base.shape) == 2 and base.shape[0] == base.shape[1] \
            and base.shape[0] != 1
        if self.latex:
            return f"{self.wrap(base, _ATOM)}^{{{chr(92) + 'circ ' if marked else ''}" \
                   f"{self(exponent)}}}"
        return f"{self.wrap(base, _ATOM)}{'.^' if marked else '^'}{self.wrap(exponent, _ATOM)}"

    _matpow = _pow

    def _inv(self, node: Node) -> str:
        return f"{self.wrap(node.args[0], _ATOM)}^{{-1}}" if self.latex else \
            f"inv({self(node.args[0])})"

    def _T(self, node: Node) -> str:
        inner = node.args[0]
        if inner.op == "inv":
            return f"{self.wrap(inner.args[0], _ATOM)}^{{-\\top}}" if self.latex else \
                f"inv({self(inner.args[0])}).T"
        return f"{self.wrap(inner, _ATOM)}^\\top" if self.latex else f"{self.wrap(inner, _ATOM)}.T"

    def _matrix(self, node: Node) -> str:
        rows, cols = node.shape
        cells = [self(e) for e in node.args]
        lines = [cells[r * cols:(r + 1) * cols] for r in range(rows)]
        if self.latex:
            body = r" \\ ".join(" & ".join(line) for line in lines)
            return rf"\begin{{bmatrix}} {body} \end{{bmatrix}}"
        return "[" + ", ".join("[" + ", ".join(line) + "]" for line in lines) + "]"

    def _tuple(self, node: Node) -> str:
        return ", ".join(self(a) for a in node.args)

    def _blocks(self, node: Node) -> str:
        cells = [self(e) for e in node.args]
        lines = [cells[r:r + node.value] for r in range(0, len(cells), node.value)]
        if self.latex:
            body = r" \\ ".join(" & ".join(line) for line in lines)
            return rf"\begin{{bmatrix}} {body} \end{{bmatrix}}"
        return "[" + "; ".join(", ".join(line) for line in lines) + "]"

    def _alias(self, node: Node) -> str:
        return node.value

    def _index_var(self, node: Node) -> str:
        return node.value

    def _index(self, node: Node) -> str:
        """Subscripts (from 1) print as subscripts, NumPy indices as brackets."""
        array, *ends = node.args
        from_one, specs = node.value
        ends_left = iter(ends)
        items = []
        for spec in specs:
            if spec[0] == "at":
                items.append(self(next(ends_left)))
            else:
                lower = self(next(ends_left)) if spec[1] else ""
                upper = self(next(ends_left)) if spec[2] else ""
                items.append(f"{lower}:{upper}")
        if from_one and array.op in ("var", "alias"):
            name = self(array)
            if self.latex and name.endswith("}") and "_{" in name:  # p_{data}: p_{data,1:s-1}
                return f"{name[:-1]},{','.join(items)}}}"
            return f"{name}_{{{','.join(items)}}}"
        if array.op == "identity":  # sized, so that it reads back: I_S[0]
            array_text = f"I_{{{array.shape[0]}}}"
        else:
            array_text = self.wrap(array, _ATOM)
        return f"{array_text}[{', '.join(items)}]"

    def _seq(self, node: Node) -> str:
        return f"{node.value.name}_{{{self(node.args[0])}}}"

    def _bounded(self, node: Node, symbol: str) -> str:
        lower, upper, body = node.args
        operator = f"\\{symbol}" if self.latex else symbol
        return (f"{operator}_{{{node.value}={self(lower)}}}^{{{self(upper)}}} "
                f"{self.wrap(body, _POSTFIX)}")

    def _sum_over(self, node: Node) -> str:
        return self._bounded(node, "sum")

    def _prod_over(self, node: Node) -> str:
        return self._bounded(node, "prod")

    def _call(self, node: Node) -> str:
        args = ", ".join(self(a) for a in node.args)
        return rf"{_LATEX_CALLS[node.op]}\left({args}\right)" if self.latex else \
            f"{node.op}({args})"

    def _function(self, node: Node) -> str:
        if node.op in _LATEX_CALLS:
            return self._call(node)
        (arg,) = node.args
        if node.op == "total" and arg.op == "hadamard" and arg.args[0] == arg.args[1]:
            inner = self(arg.args[0])
            return rf"\left\|{inner}\right\|^2" if self.latex else f"sqnorm({inner})"
        if self.latex:
            if node.op == "abs":
                return rf"\left|{self(arg)}\right|"
            if node.op in ("floor", "ceil"):
                side = "floor" if node.op == "floor" else "ceil"
                return rf"\left\l{side}{self(arg)}\right\r{side}"
            if node.op == "sqrt":
                return rf"\sqrt{{{self(arg)}}}"
            if node.op in ("step", "nonneg", "iszero"):
                relation = {"step": ">", "nonneg": r"\ge", "iszero": "="}[node.op]
                return rf"\mathbb{{1}}\left[{self(arg)} {relation} 0\right]"
            return rf"{_LATEX_FUNCTIONS[node.op]}\left({self(arg)}\right)"
        if node.op in ("step", "nonneg", "iszero"):
            relation = {"step": ">", "nonneg": ">=", "iszero": "="}[node.op]
            return f"1[{self(arg)} {relation} 0]"
        return f"{_ASCII_FUNCTIONS.get(node.op, node.op)}({self(arg)})"


def latex(node: Node, names: dict[str, str] | None = None) -> str:
    """LaTeX; ``names`` maps variable names to their LaTeX spelling (a problem's givens)."""
    return _tidy(_Printer(True, names)(node))


def ascii_(node: Node) -> str:
    """Plain text in the notation the parser reads (``@`` for matrix products, ``.T``)."""
    return _Printer(False)(node)


def _tidy(text: str) -> str:
    return re.sub(r"\\left\((\\?[A-Za-z0-9_{}]+)\\right\)", r"(\1)", text)


class _PythonPrinter(_Printer):
    """Source for a function over :mod:`derivekit.ops` (NumPy and JAX arrays alike)."""

    def __init__(self) -> None:
        super().__init__(False)

    def _index(self, node: Node) -> str:
        from derivekit.expr.evaluate import index_arguments

        items, from_one, axes, single = index_arguments(node, [self(e) for e in node.args[1:]])
        texts = ["(" + ", ".join([repr(item[0]), *("None" if e is None else e
                                                   for e in item[1:])]) + ")" for item in items]
        return (f"take({self(node.args[0])}, ({', '.join(texts)},), {from_one}, {axes}, "
                f"{single})")

    def _sum_over(self, node: Node) -> str:
        return f"sum({self._terms(node)})"

    def _prod_over(self, node: Node) -> str:
        if node.shape and not all(d == 1 for d in node.shape):
            return self._unsupported(node)
        return f"product_of({self._terms(node)})"

    def _terms(self, node: Node) -> str:
        lower, upper, body = node.args
        return (f"({self(body)}) for {node.value} in range(int({self(lower)}), "
                f"int({self(upper)}) + 1)")

    def _alias(self, node: Node) -> str:
        return f"({self(node.args[0])})"

    def _unsupported(self, node: Node) -> str:
        from derivekit.errors import DerivekitError

        raise DerivekitError(f"codegen: no Python form for {node.op} yet (derivekit derive "
                             "prints the result)")

    _seq = _unsupported

    def _shape(self, node: Node) -> str:
        return "(" + ", ".join(str(d) for d in node.shape) + ("," if len(node.shape) == 1
                                                              else "") + ")"

    def _pi(self, node: Node) -> str:
        return "pi()"

    def _zeros(self, node: Node) -> str:
        return f"full({self._shape(node)}, 0.0, *_like)"

    def _ones(self, node: Node) -> str:
        return f"full({self._shape(node)}, 1.0, *_like)"

    def _identity(self, node: Node) -> str:
        return f"identity_like(full({self._shape(node)}, 0.0, *_like))"

    def _hadamard(self, node: Node) -> str:
        return self._product(node, "", " * ")

    def _matmul(self, node: Node) -> str:
        """Python's ``@`` and ``*`` share a precedence: ``x @ 2.0 * y`` would be
        ``(x @ 2.0) * y``, so a scaled factor keeps its parentheses."""
        left, right = (f"({self(a)})" if a.op in ("scale", "hadamard", "div") else
                       self.wrap(a, _PRODUCT + (i == 1)) for i, a in enumerate(node.args))
        return f"{left} @ {right}"

    def _scale(self, node: Node) -> str:
        s, a = node.args
        factor = self(s) if s.op == "const" else f"scalar({self(s)})" if s.shape else self(s)
        return f"{self.wrap_text(factor, s)} * {self.wrap(a, _PRODUCT + 1)}"

    def wrap_text(self, text: str, node: Node) -> str:
        return f"({text})" if _precedence(node) < _POSTFIX else text

    def _const(self, node: Node) -> str:
        value = node.value
        return str(value.numerator) + ".0" if value.denominator == 1 else \
            f"({value.numerator} / {value.denominator})"

    def _pow(self, node: Node) -> str:
        return f"{self.wrap(node.args[0], _ATOM)} ** {self.wrap(node.args[1], _ATOM)}"

    def _matpow(self, node: Node) -> str:
        base, k = node.args
        power = int(k.value) if k.op == "const" else f"int({self(k)})"
        return f"matrix_power({self(base)}, {power})"

    def _div(self, node: Node) -> str:
        a, b = node.args
        b_text = f"scalar({self(b)})" if b.shape and all(d == 1 for d in b.shape) and \
            a.shape != b.shape else self.wrap(b, _POSTFIX)
        return f"{self.wrap(a, _PRODUCT)} / {b_text}"

    def _inv(self, node: Node) -> str:
        return f"inv({self(node.args[0])})"

    def _T(self, node: Node) -> str:
        return f"{self.wrap(node.args[0], _ATOM)}.T"

    def _kron(self, node: Node) -> str:
        return f"kron({self(node.args[0])}, {self(node.args[1])})"

    def _matrix(self, node: Node) -> str:
        rows, cols = node.shape
        cells = [f"scalar({self(e)})" if e.shape else self(e) for e in node.args]
        lines = [cells[r * cols:(r + 1) * cols] for r in range(rows)]
        return "from_rows([" + ", ".join("[" + ", ".join(line) + "]" for line in lines) + "])"

    def _call(self, node: Node) -> str:
        """Sizes (pad, reshape) are whole numbers: computed ones are floats here."""
        first, *rest = (self(a) for a in node.args)
        if node.op == "commutation":
            return f"commutation({', '.join(f'int({a})' for a in (first, *rest))})"
        if node.op in ("pad", "reshape", "maxpool"):
            rest = [f"int({r})" for r in rest]
        return f"{node.op}({', '.join([first, *rest])})"

    def _not(self, node: Node) -> str:
        return f"logic_not({self(node.args[0])})"

    def _connective(self, node: Node) -> str:
        return f"logic_{node.op}({self(node.args[0])}, {self(node.args[1])})"

    _or = _xor = _and = _connective

    def _function(self, node: Node) -> str:
        if node.op in _LATEX_CALLS:
            return self._call(node)
        (arg,) = node.args
        name = {"abs": "abs_", "max": "max_entry", "min": "min_entry"}.get(node.op, node.op)
        return f"{name}({self(arg)})"


def python_source(node: Node, name: str, inputs: dict[str, tuple], doc: str) -> str:
    """A module defining ``name(**inputs)`` that computes ``node`` with derivekit.ops."""
    dims = {}
    for var_name, shape in inputs.items():
        for axis, d in enumerate(shape):
            if isinstance(d, str):
                dims.setdefault(d, f"{var_name}.shape[{axis}]")
    expression = _PythonPrinter()(node)
    body = [f"    {d} = {where}" for d, where in dims.items()
            if re.search(rf"\b{re.escape(d)}\b", expression)]
    if "_like" in expression:
        body.append(f"    _like = ({', '.join(inputs)},)")
    body.append(f"    return {expression}")
    imports = ("abs_, commutation, arccos, arcsin, arcsinh, arctan, arctanh, ceil, conv, conv_full, cos, "
               "cosh, det, diag, diagonal, eigmax, eigmin, exp, flip, flipud, floor, from_rows, "
               "full, identity_like, inv, iszero, kron, log, log_softmax, logdet, logic_and, "
               "logic_not, logic_or, logic_xor, matrix_power, max_entry, maxpool, mean, "
               "min_entry, nonneg, pad, pi, product_of, relu, reshape, scalar, sigmoid, sin, "
               "sinh, softmax, softmax_rows, softplus, sqrt, std, step, take, tan, tanh, total, "
               "trace, variance, vec, xcorr")
    return "\n".join([
        f'"""Generated by derivekit: {doc}"""',
        "",
        "from derivekit.ops import (  # noqa: F401",
        f"    {imports},",
        ")",
        "",
        "",
        f"def {name}({', '.join(inputs)}):",
        f'    """{doc}"""',
        *body,
        "",
    ])
