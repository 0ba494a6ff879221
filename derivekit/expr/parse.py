"""Parse typed math (LaTeX or ASCII) into a raw tree, with a grammar and hard limits.

Two stages, both plain string and grammar work (nothing is ever evaluated):

1. :func:`normalize` rewrites LaTeX spellings into one small token language
   (``\\mathbf{W}_1`` -> ``W_{1}``, ``\\top`` -> ``'``, ``\\cdot`` -> ``*``, ``\\|`` -> ``||``)
   and refuses unknown commands, unsupported characters and oversized input up front.
2. A LALR grammar (lark) builds the raw tree while it reduces, so no recursion runs over
   the input; the tree's depth is then bounded.
"""

from __future__ import annotations

import re
from fractions import Fraction
from functools import lru_cache
from typing import get_args

from derivekit.errors import DerivekitError
from derivekit.expr import raw

MAX_LENGTH = 2000
MAX_DEPTH = 60
MAX_DIGITS = 30
MAX_MATRIX_ENTRIES = 400


class InvalidAnswer(DerivekitError):
    """Text that cannot be read as math here; the message says where and why."""


# --------------------------------------------------------------------------- normalize
GREEK = (
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu "
    "xi pi rho sigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma "
    "Phi Psi Omega"
).split()
FUNCTION_COMMANDS = ("log ln exp tanh sin cos tan sinh cosh arctan arcsin arccos det max min "
                     "tr").split()
_SPACING = re.compile(
    r"\\(?:left|right|[bB]igg?[lr]?|displaystyle|textstyle|limits|nolimits|quad|qquad)(?![A-Za-z])"
    r"|\\[,;:! ]|~"
)
_WRAPPERS = ("mathbf", "boldsymbol", "bm", "mathit", "mathrm", "operatorname", "text",
             "textrm", "textbf", "mathsf", "mathcal", "vec", "mathnormal")
_DECORATIONS = ("hat", "tilde", "bar", "widehat", "widetilde", "overline")
_UNICODE = {
    "\u2212": "-", "\u00b7": "*", "\u22c5": "*", "\u00d7": "*", "\u2299": r"\odot ",
    "\u2218": r"\odot ", "\u2297": r"\otimes ", "\u1d40": "'", "\u22a4": "'", "\u2016": "||",
    "\u2264": "<=", "\u2265": ">=", "\u221a": r"\sqrt ", "\u2211": r"\sum ", "\u220f": r"\prod ",
    "\u03b1": "alpha ", "\u03b2": "beta ", "\u03b3": "gamma ", "\u03b4": "delta ",
    "\u03b5": "epsilon ", "\u03b7": "eta ", "\u03b8": "theta ", "\u03bb": "lambda ",
    "\u03bc": "mu ", "\u03c0": "pi ", "\u03c1": "rho ", "\u03c3": "sigma ", "\u03c4": "tau ",
    "\u03c6": "phi ", "\u03c9": "omega ", "\u0394": "Delta ", "\u03a3": "Sigma ",
    "\u00b2": "^2", "\u00b3": "^3", "\u207b\u00b9": "^{-1}",
    "\u2228": r" \lor ", "\u2227": r" \land ", "\u00ac": r" \lnot ", "\u2295": r" \oplus ",
    "\u22bb": r" \oplus ", "\u22c6": r" \star ",
}
_STRUCTURAL = {
    "frac": r" \frac ", "tfrac": r" \frac ", "dfrac": r" \frac ", "sqrt": r" \sqrt ",
    "sum": r" \sum", "prod": r" \prod", "cdot": "*", "times": "*", "odot": r" \odot ", "circ": r" \odot ",
    "otimes": r" \otimes ", "top": "'", "intercal": "'", "lVert": "||", "rVert": "||",
    "Vert": "||", "|": "||", "lvert": "|", "rvert": "|", "vert": "|", "mid": "|",
    "{": "[", "}": "]", "approx": "=", "lfloor": " floor(", "rfloor": ") ",
    "lceil": " ceil(", "rceil": ") ", "le": "<=", "leq": "<=", "ge": ">=", "geq": ">=", "lt": "<", "gt": ">",
    "indicator": r" \indicator ", "\\": ";",
    "lor": r" \lor ", "vee": r" \lor ", "land": r" \land ", "wedge": r" \land ",
    "lnot": r" \lnot ", "neg": r" \lnot ", "bar": r" \lnot ", "overline": r" \lnot ",
    "oplus": r" \oplus ", "veebar": r" \oplus ", "star": r" \star ",
}
_LOGIC_WORDS = re.compile(r"(?<![A-Za-z0-9_\\])(?<!_\{)(or|and|not|xor|OR|AND|NOT|XOR)"
                          r"(?![A-Za-z0-9_])")
"""ASCII logic words; not inside a name, a subscript or a command (``\\not``)."""
_LOGIC_TOKENS = {"or": r" \lor ", "and": r" \land ", "not": r" \lnot ", "xor": r" \oplus "}
_NEGATING = ("bar", "overline")
"""Decorations that are logical negation when they cover more than one letter."""


def _fail(message: str) -> InvalidAnswer:
    return InvalidAnswer(message)


def short(text: str, limit: int = 30) -> str:
    """User text quoted in a message, cut so that a message stays one short line."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def check_length(text: str) -> None:
    """Refuse an oversized answer before any work is done on it."""
    if len(text) > MAX_LENGTH:
        raise _fail(f"answer too long: more than {MAX_LENGTH} characters")


def normalize(text: str, within: str | None = None) -> str:
    """LaTeX or ASCII in, the grammar's token language out; raises InvalidAnswer.

    ``within``: the whole answer ``text`` is a piece of (a where-clause's ``y_t = W_yh_t``),
    which decides whether it is LaTeX (there ``W_yh_t`` is W_y h_t, as LaTeX prints it)."""
    check_length(text)
    for key, value in _UNICODE.items():
        text = text.replace(key, value)
    for i, ch in enumerate(text):
        if ord(ch) > 126 or (ord(ch) < 32 and ch not in "\t\n\r"):
            raise _fail(f"unsupported character {ch!r} (U+{ord(ch):04X}) at position {i + 1}")
    whole = text + (within or "")
    latex = "\\" in whole or "{" in whole
    commands = "\\" in whole  # braces alone (sum_{i=1}^{n}) do not make p_data LaTeX's p_d·ata
    text = text.replace("\\\\", ";")
    text = re.sub(r"\\(?:left|[bB]igg?l?)\s*\[", "(", text)  # sized brackets group
    text = re.sub(r"\\(?:right|[bB]igg?r?)\s*\]", ")", text)
    if not latex:  # a tie (~) only in LaTeX; in ASCII, ~A is not A
        text = text.replace("~", r" \lnot ")
    text = _SPACING.sub(" ", text)
    text = re.sub(r"!(?!=)", r" \\lnot ", text)
    text = re.sub(r"\\(?:mathbb|mathbbm|mathds|mathbf)\s*\{\s*[1I]\s*\}\s*(?=[\[(]|\\\{)",
                  r"\\indicator ", text)
    text = re.sub(r"\\(?:mathbf|boldsymbol|bm|vec)\s*(?:\{\s*1\s*\}|1)", r" \\ones ", text)
    text = re.sub(r"\\begin\s*\{[bpvBV]?matrix\}", r" \\begin ", text)
    text = re.sub(r"\\end\s*\{[bpvBV]?matrix\}", r" \\end ", text)
    text = text.replace("&", ",")
    wrappers = "|".join(_WRAPPERS)
    text = re.sub(rf"([_^])\s*\\(?:{wrappers})\s*\{{([^{{}}]*)\}}", r"\1{\2}", text)
    for _ in range(3):  # nested wrappers: \mathbf{\hat{\mathbf{y}}}
        text = re.sub(rf"\\(?:{wrappers})\s*\{{([^{{}}]*)\}}", r" \1 ", text)
        text = re.sub(rf"\\(?:{wrappers})\s+([A-Za-z])", r" \1 ", text)
        text = re.sub(rf"\\(?:{wrappers})\s*(?=\\)", "", text)
    text = re.sub(r"\^\s*\{\s*\\?(?:top|intercal|mathsf\{T\})\s*\}", "'", text)
    text = re.sub(r"\^\s*\\(?:top|intercal)(?![A-Za-z])", "'", text)
    text = re.sub(r"\^\s*\{\s*-\s*(?:T|\\top)\s*\}", "^{-1}'", text)
    text = re.sub(r"\^\s*\{\s*\(([A-Za-z0-9]+)\)\s*\}", r"_{\1}", text)
    transposed = r"(?:T|'|\\top|\\intercal)"
    text = re.sub(rf"\^\s*\{{\s*(?:\*\s*{transposed}|{transposed}\s*\*)\s*\}}", "_{star}'",
                  text)  # w^{*T}: the optimum, transposed
    text = re.sub(r"\^\s*\{?\s*\*\s*\}?", "_{star}", text)
    text = _LOGIC_WORDS.sub(lambda m: _LOGIC_TOKENS[m.group(1).lower()], text)
    greek = "|".join(GREEK)
    text = re.sub(rf"([_^])\s*\\({greek})(?![A-Za-z])", r"\1{\2}", text)  # w^\tau: τ whole
    words = "|".join(GREEK + FUNCTION_COMMANDS)
    text = re.sub(rf"\\({words})(?![A-Za-z])\s*", r" \1 ", text)
    decorations = "|".join(_DECORATIONS)
    text = re.sub(rf"\\({decorations})\s*(?:\{{\s*([A-Za-z]+)\s*\}}|({greek})(?![A-Za-z])"
                  r"|([A-Za-z]))", _decorated, text)
    text = _canonical_limits(text)
    text = _brace_frac_arguments(text)
    text = re.sub(r"\\([A-Za-z]+|\\|\||\{|\})", _structural, text)
    text = re.sub(r"\^\s*\{\s*\\(?:circ|odot)\s*([^{}]*)\}", r" \\epow {\1}", text)
    text = text.replace("**", "^").replace(".*", r" \odot ").replace(".^", r" \epow ")
    text = text.replace("./", "/")
    text = re.sub(r"(?<![A-Za-z0-9_.])1\s*\[", r" \\indicator [", text)
    text = re.sub(r"\.T(?![A-Za-z0-9_])", "'", text)
    text = re.sub(r"(?<=[A-Za-z0-9}\])'])\[(?![^\[\]]*;)", r" \\at[", text)  # x[0]; x [0] is a
    # product, and so is \delta[x;1]: a bracket of rows is a column, not an index
    text = re.sub(r"([A-Za-z0-9])\s+_", r"\1_", text)
    text = re.sub(r"\^\s*([A-Za-z])(?=[A-Za-z\\])", r"^{\1}", text)  # X^TX: T is the exponent
    if commands:  # LaTeX sub- and superscripts take one character unless braced
        text = re.sub(r"_\s*([A-Za-z0-9])", r"_{\1}", text)
        text = re.sub(r"\^\s*([A-Za-z0-9])", r"^{\1}", text)
    else:  # s_1s_2: a numeric subscript ends where a letter starts the next name
        text = re.sub(r"_([0-9]+)(?=[A-Za-z])", r"_{\1}", text)
    return _pair_bars(text)


_LIMIT = r"(?:\{[^{}]*\}|[A-Za-z0-9])"
_BIG_OPERATOR = re.compile(
    rf"\\(sum|prod)(?![A-Za-z])\s*(?:_\s*(?P<lo>{_LIMIT}))?\s*(?:\^\s*(?P<hi>{_LIMIT}))?"
    rf"\s*(?:_\s*(?P<lo2>{_LIMIT}))?")


def _canonical_limits(text: str) -> str:
    """``\\sum^T_{i=1}``, ``\\sum_i`` and ASCII ``sum_{i=1}^n`` all become
    ``\\sum_{i=1}^{T}``: one token the grammar reads with its limits."""
    text = re.sub(r"(?<![A-Za-z\\])(sum|prod)(?=\s*_)", r"\\\1", text)

    def canonical(match: re.Match) -> str:
        lo, hi = match.group("lo") or match.group("lo2"), match.group("hi")
        limits = "".join(f"{mark}{{{part.strip('{}').strip()}}}"
                         for mark, part in (("_", lo), ("^", hi)) if part)
        return f" \\{match.group(1)}{limits} "

    return _BIG_OPERATOR.sub(canonical, text)


def _decorated(match: re.Match) -> str:
    """``\\hat y`` -> ``yhat``: a decorated letter (or Greek letter) is a name of its own, and
    takes one letter unless braced, as in LaTeX (``\\bar AB`` is Ā B). ``\\bar`` and
    ``\\overline`` over anything longer negate it (``\\overline{AB}`` is ¬(A B))."""
    decoration, braced = match.group(1), match.group(2)
    if braced and len(braced) > 1 and braced not in GREEK and decoration in _NEGATING:
        return f" \\lnot {{{braced}}} "
    return f" {braced or match.group(3) or match.group(4)}{decoration} "


def _brace_frac_arguments(text: str) -> str:
    """``\\frac12`` and ``\\frac1{n}`` as LaTeX allows them: one-character arguments get
    braces."""
    out, i = [], 0
    for match in re.finditer(r"\\[td]?frac(?![A-Za-z])", text):
        if match.start() < i:  # inside an argument already copied
            continue
        out.append(text[i:match.end()])
        i = match.end()
        for _ in range(2):
            while i < len(text) and text[i] == " ":
                i += 1
            if i >= len(text) or text[i] == "\\":
                break
            if text[i] == "{":
                end = _closing_brace(text, i)
                out.append(text[i:end])
                i = end
            else:
                out.append("{" + text[i] + "}")
                i += 1
    out.append(text[i:])
    return "".join(out)


def _closing_brace(text: str, start: int) -> int:
    """Index just past the brace group opening at ``start`` (the end of text if unclosed)."""
    depth = 0
    for i in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth == 0:
            return i + 1
    return len(text)


def _pair_bars(text: str) -> str:
    """``||`` and ``|`` open and close alike; alternate them into distinct tokens so that the
    grammar can tell the end of ``|x|`` from the start of a juxtaposed ``|y|``."""
    out, open_ = [], {"||": False, "|": False}
    for piece in re.split(r"(\|\||\|)", text):
        if piece in open_:
            kind = "norm" if piece == "||" else "abs"
            out.append(f" \\{'r' if open_[piece] else 'l'}{kind} ")
            open_[piece] = not open_[piece]
        else:
            out.append(piece)
    return "".join(out)


def _structural(match: re.Match) -> str:
    word = match.group(1)
    if word in ("frac", "sqrt", "sum", "prod", "at", "ones", "odot", "otimes", "indicator", "begin",
                "end", "epow"):
        return f" \\{word} " if word not in _STRUCTURAL else _STRUCTURAL[word]
    if word in _STRUCTURAL:
        return _STRUCTURAL[word]
    raise _fail(f"unknown LaTeX command \\{short(word)}")


# --------------------------------------------------------------------------- grammar
GRAMMAR = r"""
?start: expr
      | expr ("," expr)+            -> tuple_

?expr: disjunction
?disjunction: exclusive
    | disjunction LOR exclusive     -> lor
?exclusive: conjunction
    | exclusive LXOR conjunction    -> lxor
?conjunction: sum
    | conjunction LAND sum          -> land
?sum: product
    | sum "+" product               -> add
    | sum "-" product               -> sub
?product: signed
    | product "*" signed            -> mul
    | product "@" signed            -> matmul
    | product ODOT signed           -> hadamard
    | product OTIMES signed         -> kron
    | product STAR signed           -> xcorr
?signed: juxt
    | "-" signed                    -> neg
    | "+" signed
    | SUM product                   -> total
    | PROD product                  -> total
?juxt: negation
    | juxt negation                 -> juxtapose
    | juxt SUM product              -> juxtapose_total
    | juxt PROD product             -> juxtapose_total
?negation: quotient
    | LNOT negation                 -> lnot
?quotient: postfix
    | quotient "/" postfix          -> div
?postfix: atom
    | postfix "^" exponent          -> power
    | postfix EPOW exponent         -> epower
    | postfix "'"                   -> transpose
    | postfix AT "[" subscript ("," subscript)* "]"  -> index
?subscript: expr
    | expr? COLON expr?             -> span
?exponent: exponent_atom
    | exponent_atom "^" exponent    -> power
?exponent_atom: NUMBER              -> number
    | NAME                          -> name
    | "{" expr "}"
    | "(" expr ")"
    | "-" exponent_atom             -> neg
?atom: NUMBER                       -> number
    | NAME                          -> name
    | NAME "(" arglist ")"          -> apply
    | "(" arglist ")"               -> group
    | "{" expr "}"
    | FRAC "{" expr "}" "{" expr "}"    -> frac
    | SQRT atom                     -> sqrt
    | LNORM expr RNORM SUB?         -> norm
    | LABS expr RABS                -> abs_
    | ONES                          -> name
    | INDICATOR "[" expr RELATION expr "]"  -> indicator
    | INDICATOR "(" expr RELATION expr ")"  -> indicator
    | "(" expr RELATION expr ")"    -> comparison
    | BEGIN rows END                -> matrix
    | "[" rows "]"                  -> matrix
    | "[" bracketed ("," bracketed)* "]"    -> nested_matrix
arglist: expr ("," expr)*
rows: row (";" row)* ";"?
row: expr ("," expr)*
bracketed: "[" row "]"

NAME: /[A-Za-z][A-Za-z0-9]*(?:_\{[^{}]*\}|_[A-Za-z0-9]+)*/
SUB: /_\{[^{}]*\}|_[A-Za-z0-9]+/
NUMBER: /[0-9]+(?:\.[0-9]*)?|\.[0-9]+/
RELATION: "<=" | ">=" | "<" | ">" | "="
ODOT: "\\odot"
EPOW: "\\epow"
LOR: "\\lor"
LAND: "\\land"
LNOT: "\\lnot"
LXOR: "\\oplus"
OTIMES: "\\otimes"
STAR: "\\star"
FRAC: "\\frac"
SQRT: "\\sqrt"
SUM: /\\sum(_\{[^{}]*\})?(\^\{[^{}]*\})?/
PROD: /\\prod(_\{[^{}]*\})?(\^\{[^{}]*\})?/
COLON: ":"
AT: "\\at"
INDICATOR: "\\indicator"
ONES: "\\ones"
BEGIN: "\\begin"
LNORM: "\\lnorm"
RNORM: "\\rnorm"
LABS: "\\labs"
RABS: "\\rabs"
END: "\\end"
%ignore /\s+/
"""


class _Build:
    """Lark callbacks run at each reduction: they build raw nodes bottom-up, no recursion."""

    def number(self, children: list) -> raw.Number:
        text = str(children[0])
        if len(text) > MAX_DIGITS:
            raise _fail(f"number {text[:12]}… has more than {MAX_DIGITS} digits")
        return raw.Number(Fraction(text))

    def name(self, children: list) -> raw.Name:
        return raw.Name(str(children[0]))

    def apply(self, children: list) -> raw.Apply:
        return raw.Apply(raw.Name(str(children[0])), tuple(children[1]))

    def arglist(self, children: list) -> list:
        return children

    def group(self, children: list) -> raw.Raw:
        return raw.Group(tuple(children[0]))

    def tuple_(self, children: list) -> raw.Group:
        return raw.Group(tuple(children))

    def add(self, c: list) -> raw.Terms:
        return _chain(c[0], 1, c[1])

    def sub(self, c: list) -> raw.Terms:
        return _chain(c[0], -1, c[1])

    def mul(self, c: list) -> raw.Binary:
        return raw.Binary("*", c[0], c[1])

    def matmul(self, c: list) -> raw.Binary:
        return raw.Binary("@", c[0], c[1])

    def div(self, c: list) -> raw.Binary:
        return raw.Binary("/", c[0], c[1])

    def hadamard(self, c: list) -> raw.Binary:
        return raw.Binary("hadamard", c[0], c[2])

    def kron(self, c: list) -> raw.Binary:
        return raw.Binary("kron", c[0], c[2])

    def xcorr(self, c: list) -> raw.Binary:
        return raw.Binary("xcorr", c[0], c[2])

    def lor(self, c: list) -> raw.Binary:
        return raw.Binary("or", c[0], c[2])

    def lxor(self, c: list) -> raw.Binary:
        return raw.Binary("xor", c[0], c[2])

    def land(self, c: list) -> raw.Binary:
        return raw.Binary("and", c[0], c[2])

    def lnot(self, c: list) -> raw.Not:
        return raw.Not(c[1])

    def neg(self, c: list) -> raw.Negate:
        return raw.Negate(c[0])

    def total(self, c: list) -> raw.Raw:
        return _big_operator(str(c[0]), c[1])

    def index(self, c: list) -> raw.Index:
        return raw.Index(c[0], tuple(c[2:]), from_one=False)

    def span(self, c: list) -> raw.Span:
        colon = next(i for i, x in enumerate(c) if getattr(x, "type", "") == "COLON")
        return raw.Span(c[0] if colon else None, c[colon + 1] if colon + 1 < len(c) else None)

    def juxtapose(self, c: list) -> raw.Juxtapose:
        left = c[0].factors if isinstance(c[0], raw.Juxtapose) else (c[0],)
        return raw.Juxtapose((*left, c[1]))

    def juxtapose_total(self, c: list) -> raw.Juxtapose:
        return self.juxtapose([c[0], _big_operator(str(c[1]), c[2])])

    def power(self, c: list) -> raw.Power:
        return raw.Power(c[0], c[1])

    def epower(self, c: list) -> raw.Power:
        return raw.Power(c[0], c[2], elementwise=True)

    def transpose(self, c: list) -> raw.Transpose:
        return raw.Transpose(c[0])

    def frac(self, c: list) -> raw.Frac:
        return raw.Frac(c[1], c[2])

    def sqrt(self, c: list) -> raw.Sqrt:
        return raw.Sqrt(c[1])

    def norm(self, c: list) -> raw.Norm:
        sub = str(c[3]).strip("_{}") if len(c) > 3 else ""
        return raw.Norm(c[1], sub)

    def abs_(self, c: list) -> raw.Abs:
        return raw.Abs(c[1])

    def indicator(self, c: list) -> raw.Indicator:
        return raw.Indicator(c[1], str(c[2]), c[3])

    def comparison(self, c: list) -> raw.Indicator:
        """``(z > 0)`` is 1 where it holds, as NumPy's ``.* (z > 0)`` means it."""
        return raw.Indicator(c[0], str(c[1]), c[2])

    def row(self, c: list) -> tuple:
        return tuple(c)

    def rows(self, c: list) -> tuple:
        return tuple(c)

    def bracketed(self, c: list) -> tuple:
        return c[0]

    def matrix(self, c: list) -> raw.Matrix:
        rows = c[1] if len(c) == 3 else c[0]
        return _matrix(rows)

    def nested_matrix(self, c: list) -> raw.Matrix:
        return _matrix(tuple(c))


def _chain(left: raw.Raw, sign: int, right: raw.Raw) -> raw.Terms:
    """``left ± right``, extending the chain ``left`` already is (brackets end a chain)."""
    items = left.items if isinstance(left, raw.Terms) else ((1, left),)
    return raw.Terms((*items, (sign, right)))


_LIMITS = re.compile(r"\\(sum|prod)(?:_\{([^{}]*)\})?(?:\^\{([^{}]*)\})?")
_INDEX_LIMIT = re.compile(r"\s*([A-Za-z])\s*(?:(=|<=|<)\s*(.+?))?\s*")
_BETWEEN = re.compile(r"\s*([^<>=]+?)\s*(<=|<)\s*([A-Za-z])\s*(<=|<)\s*([^<>=]+?)\s*")


def _big_operator(token: str, body: raw.Raw) -> raw.Raw:
    """A sum or product with its limits read: ``i=a`` to ``b``, ``i<b`` / ``i<=b`` from 1,
    a bare ``i`` over what ``i`` indexes; a sum with no index (``\\sum x``) adds all entries."""
    kind, sub, sup = _LIMITS.fullmatch(token).groups()
    match = _INDEX_LIMIT.fullmatch(sub or "")
    between = _BETWEEN.fullmatch(sub or "")
    if match is None and between is not None and sup is None:  # 1 <= i <= n, 0 < i < n
        low, low_relation, var, high_relation, high = between.groups()
        lower, upper = _limit(low), _limit(high)
        if low_relation == "<":
            lower = raw.Binary("+", lower, raw.Number(Fraction(1)))
        if high_relation == "<":
            upper = raw.Binary("-", upper, raw.Number(Fraction(1)))
        return raw.Bounded(kind, var, lower, upper, body)
    if match is None:
        if kind == "sum" and sup is None:
            return raw.Total(body)  # \sum, \sum_{ij}: every entry
        raise _fail(f"cannot read the limits of \\{kind}: write \\{kind}_{{i=1}}^{{n}}")
    var, relation, bound = match.groups()
    if relation == "=":
        if sup is None:
            raise _fail(f"\\{kind}_{{{short(sub, 12)}}} needs an upper limit ^{{…}}")
        return raw.Bounded(kind, var, _limit(bound), _limit(sup), body)
    if relation is not None and sup is not None:
        raise _fail(f"\\{kind}_{{{short(sub, 12)}}} has two upper limits")
    if relation is not None:
        upper = _limit(bound)
        if relation == "<":
            upper = raw.Binary("-", upper, raw.Number(Fraction(1)))
        return raw.Bounded(kind, var, raw.Number(Fraction(1)), upper, body)
    if sup is not None:
        return raw.Bounded(kind, var, raw.Number(Fraction(1)), _limit(sup), body)
    return raw.Bounded(kind, var, None, None, body)


def _limit(text: str) -> raw.Raw:
    """A limit is itself a small expression (``n-1``); no braces can nest in it."""
    return parse(text)


def _matrix(rows: tuple) -> raw.Matrix:
    widths = {len(r) for r in rows}
    if len(widths) != 1:
        raise _fail("matrix rows have different lengths")
    if len(rows) * widths.pop() > MAX_MATRIX_ENTRIES:
        raise _fail(f"matrix has more than {MAX_MATRIX_ENTRIES} entries")
    return raw.Matrix(tuple(rows))


@lru_cache(maxsize=1)
def _parser():  # noqa: ANN202  (lark is imported lazily)
    """The LALR parser. Building its tables takes ~0.15 s, so lark keeps them in the user's
    own cache directory (keyed by the grammar's hash; rebuilt when it changes or is
    unreadable). Only derivekit writes that file: no answer text ever reaches it."""
    from lark import Lark

    return Lark(GRAMMAR, parser="lalr", transformer=_Build(), maybe_placeholders=False,
                cache=_cache_file() or False)


def _cache_file() -> str | None:
    """``$XDG_CACHE_HOME/derivekit/grammar.lark`` (``~/.cache/…``), or None where it cannot
    be made (a read-only home) or ``DERIVEKIT_NO_CACHE`` is set."""
    import os
    from pathlib import Path

    if os.environ.get("DERIVEKIT_NO_CACHE"):
        return None
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "derivekit"
    try:
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    return str(root / "grammar.lark") if os.access(root, os.W_OK) else None


def parse(text: str, within: str | None = None) -> raw.Raw:
    """The raw tree of ``text`` (a piece of the answer ``within``, whose notation it shares);
    raises :class:`InvalidAnswer` with a one-line reason."""
    from lark.exceptions import UnexpectedCharacters, UnexpectedInput, VisitError

    if not text.strip():
        raise _fail("empty answer")
    source = normalize(text, within)
    _check_brackets(source)
    try:
        tree = _parser().parse(source)
    except VisitError as exc:
        if isinstance(exc.orig_exc, InvalidAnswer):
            raise exc.orig_exc from None
        raise
    except UnexpectedCharacters as exc:
        raise _fail(f"unexpected {source[exc.pos_in_stream]!r} in {_excerpt(source, exc)}") \
            from None
    except UnexpectedInput as exc:
        token = getattr(exc, "token", None)
        what = "end of input" if token is None or token.type == "$END" else repr(str(token))
        raise _fail(f"unexpected {what} in {_excerpt(source, exc)}") from None
    _check_depth(tree)
    return tree


_PROSE = re.compile(r"\\(?:text|textrm|textit|mbox|mathrm)\s*\{([^{}]*)\}")
_REMARK_SPACE = re.compile(r"(?:\\q?quad|\\[ ;:]|~)\s*$")


def without_remarks(text: str) -> str:
    """The math of an answer written the way a solution sheet writes it: prose in ``\\text``
    (``… \\ \\text{(the label mean)}``, ``\\text{i.e. } …``) ends the answer, a
    parenthesis set off by a space at the end (``\\mathbf A^T\\quad(n\\times m,\\ …)``) is a
    remark, and prose before the math (``\\text{every patch has } 16^2``) is dropped.
    ``\\text{where}`` and one-word labels (``\\text{padding}=1``) are kept."""
    for match in _PROSE.finditer(text):
        words = match.group(1).strip()
        if " " not in match.group(1) and not words.startswith("(") or words in ("where", "with"):
            continue
        if not re.search("[A-Za-z]", words):
            continue
        head = text[:match.start()]
        opened = _unclosed_paren(head)
        head = head[:opened] if opened is not None else head
        if head.strip(r" \,;:.~"):
            return _trim(head)
        return without_remarks(text[match.end():])  # prose first: the math follows it
    return _trailing_remark(text)


def _unclosed_paren(text: str) -> int | None:
    """Where the last ``(`` still open at the end of ``text`` is, if one is."""
    stack = []
    for i, ch in enumerate(text):
        if ch == "(":
            stack.append(i)
        elif ch == ")" and stack:
            stack.pop()
    return stack[-1] if stack else None


def _trailing_remark(text: str) -> str:
    """``math\\quad(remark)``: a final parenthesis after an explicit space is a remark."""
    stripped = text.rstrip()
    if not stripped.endswith(")"):
        return text
    depth = 0
    for i in range(len(stripped) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(stripped[i], 0)
        if depth == 0:
            head = stripped[:i]
            return _trim(head) if _REMARK_SPACE.search(head) and head.strip(
                " \\,;:.~") else text
    return text


def _trim(text: str) -> str:
    """An answer without the separators that led into a remark (``, \\ ``, ``\\quad``)."""
    return re.sub(r"(?:[\s,;:]|\\[,;:! ]|\\q?quad|~)+$", "", text)


MAX_DEFINITIONS = 24
_WHERE = re.compile(r"\\(?:text|mathrm|textrm|operatorname)\s*\{\s*(?:where|with)\s*\}"
                    r"|(?<![A-Za-z\\])(?:where|with)(?![A-Za-z])")


def split_definitions(text: str) -> tuple[str, list[tuple[raw.Raw, raw.Raw]]]:
    """``answer where h_0 = …, h_t = …`` -> the answer and its parsed definitions
    (separated by commas or semicolons outside brackets)."""
    match = next((m for m in _WHERE.finditer(text) if depth_at(text, m.start()) == 0), None)
    if match is None:
        return _listed_definitions(text)
    pieces = [p for p in top_level_split(text[match.end():].strip(" :."), ",;") if p.strip()]
    if len(pieces) > MAX_DEFINITIONS:
        raise _fail(f"more than {MAX_DEFINITIONS} definitions")
    definitions = []
    for piece in pieces:
        sides = top_level_split(piece.replace(":=", "="), "=")
        if len(sides) != 2 or not sides[0].strip() or not sides[1].strip():
            raise _fail(f"a definition needs one '=': {short(piece.strip())!r}")
        definitions.append((parse(sides[0], text), parse(sides[1], text)))
    answer = re.sub(r"(?:[\s,;.]|\\[,;:! ]|\\q?quad)+$", "", text[:match.start()])
    return answer, definitions  # "…, where" / "…\\quad where": the comma is not the answer's


def _listed_definitions(text: str) -> tuple[str, list[tuple[raw.Raw, raw.Raw]]]:
    """``\\frac{\\kappa-1}{\\kappa+1},\\ \\kappa = \\eta_{max}/\\eta_{min}``: an answer
    followed by definitions of names, as sheets write it without 'where' (the first item is
    no definition itself; each later one is ``name = …``)."""
    items = top_level_split(text, ",;")
    if len(items) < 2 or len(top_level_split(items[0], "=")) != 1 or not items[0].strip():
        return text, []
    definitions = []
    for item in items[1:]:
        sides = top_level_split(item.replace(":=", "="), "=")
        if len(sides) != 2 or not re.fullmatch(r"\s*(?:\\[ ,;:!]|\\q?quad|\s)*[\\A-Za-z][^=<>]*",
                                                 sides[0]):
            return text, []
        try:
            lhs, rhs = parse(sides[0], text), parse(sides[1], text)
        except InvalidAnswer:
            return text, []
        if not isinstance(lhs, raw.Name):
            return text, []
        definitions.append((lhs, rhs))
    return items[0], definitions


def depth_at(text: str, end: int) -> int:
    return sum((ch in "([{") - (ch in ")]}") for ch in text[:end])


def top_level_split(text: str, separators: str) -> list[str]:
    """Split at separators outside brackets (a ``\\,`` space is no comma; ``<=`` no ``=``)."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += (ch in "([{") - (ch in ")]}")
        if depth == 0 and ch in separators and text[i - 1:i] not in ("\\", "<", ">", "!") \
                and text[i + 1:i + 2] != "=":
            out.append(text[start:i])
            start = i + 1
    return out + [text[start:]]


def _excerpt(source: str, exc: Exception) -> str:
    pos = getattr(exc, "pos_in_stream", None)
    if pos is None:
        return repr(source[:40])
    return repr(source[max(0, pos - 15):pos + 15].strip())


def _check_brackets(source: str) -> None:
    deepest = 0
    pairs = {")": "(", "]": "[", "}": "{"}
    stack: list[str] = []
    for ch in source:
        if ch in "([{":
            stack.append(ch)
            deepest = max(deepest, len(stack))
        elif ch in pairs:
            if not stack or stack.pop() != pairs[ch]:
                raise _fail(f"unbalanced {ch!r}")
    if stack:
        raise _fail(f"unbalanced {stack[-1]!r}: missing its closing bracket")
    if deepest > MAX_DEPTH // 2:
        raise _fail(f"brackets nested more than {MAX_DEPTH // 2} deep")


def _check_depth(tree: raw.Raw) -> None:
    """Iterative: later passes recurse over the tree, so its depth must stay small."""
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise _fail(f"expression nested more than {MAX_DEPTH} levels deep")
        stack.extend((child, depth + 1) for child in children(node))


def children(node: raw.Raw) -> tuple[raw.Raw, ...]:
    if isinstance(node, raw.Matrix):
        return tuple(e for row in node.rows for e in row)
    if isinstance(node, raw.Terms):
        return tuple(term for _, term in node.items)
    if isinstance(node, (raw.Group, raw.Juxtapose)):
        return node.items if isinstance(node, raw.Group) else node.factors
    if isinstance(node, raw.Apply):
        return node.args
    if isinstance(node, raw.Index):
        return (node.operand, *node.items)
    return tuple(v for v in vars(node).values() if isinstance(v, get_args(raw.Raw)))
