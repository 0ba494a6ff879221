"""Derivative cases derivekit's authors did not write: every derivative test of SymPy's
``sympy/matrices/expressions/tests/test_derivatives.py`` and the derivative identities of the
Matrix Cookbook, translated into derivekit's notation with their provenance.

Sources, as read for this table:

* SymPy: ``sympy/matrices/expressions/tests/test_derivatives.py`` at commit
  e950d313a932bc6cccbc95376b3821cd2f8b5af4 (2026-08-22). Every ``.diff`` in an assertion
  (and the expressions the file states under a TODO) is one case, in file order; SymPy's
  symbols are k×k matrices ``X A B C D`` and k-vectors ``x y a b c d``, as in the file.
  A claim is the right-hand side of the assertion, translated: ``*`` between matrices is
  ``@``, ``X**-1``/``.inv()``/``Inverse`` is ``inv``, ``Identity(k)`` is ``I_k``,
  ``hadamard_power(x, p)`` is ``x^p`` (a power of a non-square matrix is element-wise),
  ``f.applyfunc`` is the element-wise ``f``, ``MatPow`` of a square matrix is ``^``.
* Matrix Cookbook: K. B. Petersen, M. S. Pedersen, *The Matrix Cookbook*, version of
  15 November 2012, chapter 2 (determinants, inverses, first- and second-order forms,
  traces, vector and Frobenius norms). Text as transcribed in
  github:eric-wieser/lean-matrix-cookbook ``md/main.md``; equation numbers as tagged in
  github:thomasahle/tensorgrad ``paper/chapters/*.tex`` and in SymPy's "Cookbook example N"
  comments. Eqs. 84-88 and 92-98 carry no tag in either: their numbers are counted by
  position (noted in each case). The cookbook states shapes loosely; each case states the
  most general shapes the identity allows (rectangular where it can be), so it is not a
  copy of SymPy's square case. Its derivatives are in denominator layout for gradients
  (``[∂f/∂X]_ij = ∂f/∂X_ij``) and numerator layout for Jacobians (``[∂x/∂y]_ij = ∂x_i/∂y_j``).
* Issue 17 names a few more that neither source has (element-wise functions of a matrix
  argument, ``abs``): their source says so, and they carry no claim.

A claim is what the source printed, used only as a claim: the tests check it against the
truth (JAX autodiff of the case's expression), never against derivekit. ``holds=False`` marks
a printed form the check shows wrong; its note says why. ``unexpressible`` says why the
notation cannot state a case (a derivative with respect to one entry, a 4-d result printed as
SymPy array algebra, a matrix function), and such a case is refused by notation.

Givens are written as on the command line, ``NAME:SHAPE[:DOMAIN]``, with the domains
``real`` (default), ``positive``, ``invertible`` (near I, positive determinant), ``spd``,
and ``whole`` (an integer 1..3, held fixed while differentiating).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from derivekit.model import INVERTIBLE, POSITIVE, REAL, SPD, Domain

DOMAINS = {"real": REAL, "positive": POSITIVE, "invertible": INVERTIBLE, "spd": SPD,
           "whole": Domain("integer", low=1, high=3)}


@dataclass(frozen=True)
class Claim:
    source: str
    form: str
    """The closed form as the source printed it, in derivekit's notation."""
    layout: str = "denominator"
    """denominator / numerator as derivekit means them, or ``entrywise``: a derivative by a
    scalar with the function's shape (SymPy's)."""
    holds: bool = True
    note: str = ""


@dataclass(frozen=True, eq=False)
class Case:
    id: str
    expression: str
    wrt: str
    givens: str
    """``NAME:SHAPE[:DOMAIN]`` separated by spaces (``X:m,n A:m,m:spd lam:scalar``)."""
    sources: tuple[str, ...]
    claims: tuple[Claim, ...] = ()
    layout: str = "denominator"
    """The layout derivekit is asked for (the source's, where it has one)."""
    sizes: tuple[dict[str, int], ...] = ()
    """Shape sets for the truth where the defaults would be singular (m ≥ n)."""
    note: str = ""
    unexpressible: str = ""

    @cached_property
    def _parsed(self) -> list[tuple[str, tuple, str | None]]:
        from derivekit.derivation.verified import parse_given

        out = []
        for spec in self.givens.split():
            name, shape, *domain = spec.split(":")
            _, parsed, _ = parse_given(f"{name}:{shape}")
            out.append((name, parsed, domain[0] if domain else None))
        return out

    @cached_property
    def shapes(self) -> dict[str, tuple]:
        return {name: shape for name, shape, _ in self._parsed}

    @cached_property
    def stated_domains(self) -> dict[str, Domain]:
        """The domains the case states (what ``derive`` is told)."""
        return {name: DOMAINS[d] for name, _, d in self._parsed if d}

    @cached_property
    def domains(self) -> dict[str, Domain]:
        return {name: DOMAINS[d or "real"] for name, _, d in self._parsed}

    @cached_property
    def dimensions(self) -> list[str]:
        return list(dict.fromkeys(d for s in self.shapes.values() for d in s
                                  if isinstance(d, str)))


# --------------------------------------------------------------------------- SymPy
SYMPY_FILE = "SymPy test_derivatives.py"
SYMPY_SHAPES = {**{n: "k,k" for n in "XABCD"}, **{n: "k" for n in "xyabcd"}}
SYMPY: list[Case] = []


def _sympy_givens(names: str) -> str:
    """``"X:invertible a b"`` -> ``"X:k,k:invertible a:k b:k"`` (SymPy's own shapes); a
    name SymPy declares elsewhere comes with its shape (``E:3,3``)."""
    out = []
    for spec in names.split():
        name, *rest = spec.split(":")
        if name in SYMPY_SHAPES and (not rest or rest[0] in DOMAINS):
            out.append(":".join([name, SYMPY_SHAPES[name], *rest]))
        else:
            out.append(spec)
    return " ".join(out)


def sympy(test: str, expression: str, wrt: str, givens: str, claim: str | None = None,
          claim_layout: str = "denominator", holds: bool = True, claim_note: str = "",
          cookbook_eq: str = "", cookbook_claim: str | None = None, **more: Any) -> None:
    """One SymPy assertion: ``expression.diff(wrt) == claim``."""
    source = f"{SYMPY_FILE}::{test}"
    sources = (source,) + ((f"Matrix Cookbook eq. ({cookbook_eq})",) if cookbook_eq else ())
    claims = []
    if claim is not None:
        claims.append(Claim(source, claim, claim_layout, holds, claim_note))
    if cookbook_claim is not None:
        claims.append(Claim(sources[1], cookbook_claim))
    more.setdefault("layout", "numerator" if claim_layout == "entrywise" else claim_layout)
    SYMPY.append(Case(f"sympy-{len(SYMPY) + 1:03d}", expression, wrt, _sympy_givens(givens),
                      sources, tuple(claims), **more))


ENTRY = "a derivative with respect to one entry (X[m, n]); --wrt takes a given's name"
ARRAY = ("a 4-d result, printed as SymPy array algebra (PermuteDims, ArrayTensorProduct) "
         "that the notation has no words for")

# test_matrix_derivative_by_scalar
T = "test_matrix_derivative_by_scalar"
sympy(T, "A", "i", "A i:scalar", "zeros(k, k)", "entrywise")
sympy(T, "A@(X + B)@c", "i", "A X B c i:scalar", "zeros(k, 1)", "entrywise")
sympy(T, "x", "i", "x i:scalar", "zeros(k, 1)", "entrywise")
sympy(T, "x.T@y", "i", "x y i:scalar", "0", "entrywise")
sympy(T, "x@x.T", "i", "x i:scalar", "zeros(k, k)", "entrywise")
sympy(T, "x + y", "i", "x y i:scalar", "zeros(k, 1)", "entrywise")
sympy(T, "x^2", "i", "x i:scalar", "zeros(k, 1)", "entrywise")
sympy(T, "x^i", "i", "x:positive i:scalar", "log(x) .* x^i", "entrywise")
sympy(T, "x .* y", "i", "x y i:scalar", "zeros(k, 1)", "entrywise")
sympy(T, "(i*ones(k, 1)) .* x .* y", "i", "x y i:scalar", "x .* y", "entrywise")
sympy(T, "i*x", "i", "x i:scalar", "x", "entrywise")
sympy(T, "sin(i)*A@B@x", "i", "A B x i:scalar", "cos(i)*A@B@x", "entrywise")
sympy(T, "sin(x)", "i", "x i:scalar", "zeros(k, 1)", "entrywise")
sympy(T, "trace(i^2*X)", "i", "X i:scalar", "2*i*trace(X)")
sympy(T, "2*mu*x", "x", "x mu:scalar", "2*mu*I_k")
sympy("test_one_matrix", "x.T@ones(k, 1)", "x", "x", "ones(k, 1)")

T = "test_matrix_derivative_non_matrix_result"
for text in ("A", "A.T", "2*A", "A + A", "A + B"):
    sympy(T, text, "A", "A B" if "B" in text else "A",
          note="SymPy prints the 4-d derivative as PermuteDims(ArrayTensorProduct(I, I), …) "
               "(no claim in the notation)")
sympy("test_matrix_derivative_trivial_cases", "X", "A", "X A",
      note="Cookbook example 33; SymPy returns the unevaluated ArrayDerivative(X, A) (its "
           "TODO: no four-dimensional zero array)")

T = "test_matrix_derivative_of_determinant"
sympy(T, "det(X)", "X", "X:invertible", "det(X)*inv(X.T)",
      cookbook_eq="49", cookbook_claim="det(X)*inv(X).T")
sympy(T, "det(A@X@B)", "X", "A:invertible X:invertible B:invertible", "det(A@X@B)*inv(X.T)",
      cookbook_eq="51", cookbook_claim="det(A@X@B)*inv(X).T")
sympy(T, "det(X.T@A@X)", "X", "X:invertible A:invertible", "2*det(X)^2*det(A)*inv(X.T)",
      cookbook_eq="52", cookbook_claim="2*det(X.T@A@X)*inv(X).T")
sympy(T, "det(Z.T@A@Z)", "Z", "Z:k,j A:invertible",
      "det(Z.T@A@Z)*(A@Z@inv(Z.T@A@Z) + A.T@Z@inv(Z.T@A.T@Z))",
      cookbook_eq="54", cookbook_claim="det(Z.T@A@Z)*(A@Z@inv(Z.T@A@Z) + A.T@Z@inv(Z.T@A.T@Z))",
      sizes=({"k": 3, "j": 2}, {"k": 4, "j": 2}, {"k": 3, "j": 3}),
      note="Z is k×j and ZᵀAZ must be invertible (k ≥ j): the truth uses such sizes")
sympy(T, "log(det(X.T@X))", "X", "X:invertible", "2*inv(X.T)",
      claim_note="SymPy's comment: 'can be pseudo-inverse'", cookbook_eq="55",
      cookbook_claim="2*inv(X).T")
sympy(T, "log(det(X))", "X", "X:invertible", "inv(X.T)",
      cookbook_eq="57", cookbook_claim="inv(X).T")
sympy(T, "det(X^j)", "X", "X:invertible j:scalar:whole", "j*det(X^j)*inv(X).T",
      cookbook_eq="58", cookbook_claim="j*det(X^j)*inv(X).T",
      note="SymPy's j is a symbol; here a whole number drawn in 1..3")
sympy(T, "det(X^5)", "X", "X:invertible", "5*det(X^5)*inv(X).T",
      cookbook_eq="58", cookbook_claim="5*det(X^5)*inv(X).T")
T = "test_issue_28708"
sympy(T, "det(X^0)", "X", "X", "zeros(k, k)",
      note="(X**j).subs(j, 0): det(I) = 1, a constant")
sympy(T, "det(X^(-1))", "X", "X:invertible", "-inv(X.T)/det(X)")
T = "test_issue_28838_det_in_non_matrix_expr"
sympy(T, "k*det(X)", "X", "X:invertible", "k*det(X)*inv(X.T)",
      note="k is SymPy's dimension symbol, a number here as in derivekit derive")
sympy(T, "1/det(X)", "X", "X:invertible", "-1/det(X)*inv(X.T)")
sympy(T, "k/det(X)", "X", "X:invertible", "-k/det(X)*inv(X.T)")

T = "test_matrix_derivative_with_inverse"
sympy(T, "a.T@inv(X)@b", "X", "a X:invertible b", "-inv(X).T@a@b.T@inv(X).T",
      cookbook_eq="61", cookbook_claim="-inv(X).T@a@b.T@inv(X).T")
sympy(T, "det(inv(X))", "X", "X:invertible", "-det(inv(X))*inv(X).T",
      cookbook_eq="62", cookbook_claim="-det(inv(X))*inv(X).T")
sympy(T, "trace(A@inv(X)@B)", "X", "A X:invertible B", "-(inv(X)@B@A@inv(X)).T",
      cookbook_eq="63", cookbook_claim="-(inv(X)@B@A@inv(X)).T")
sympy(T, "trace(inv(X + A))", "X", "X:invertible A:invertible", "-(inv(X + A).T)^2",
      cookbook_eq="64", cookbook_claim="-(inv(X + A)@inv(X + A)).T",
      claim_note="SymPy's Inverse(X + A).T**2 is a matrix square")

T = "test_matrix_derivative_vectors_and_scalars"
sympy(T, "x", "x", "x", "I_k")
sympy(T, "x[i, 0]", "x", "x", unexpressible="x[i, 0].diff(x[m, 0]): " + ENTRY)
sympy(T, "x.T", "x", "x", "I_k")
sympy(T, "x.T@a", "x", "x a", "a", cookbook_eq="69", cookbook_claim="a")
sympy(T, "(x.T@a)[0, 0]", "x", "x a", unexpressible="expr[0, 0].diff(x[m, 0]): " + ENTRY)
sympy(T, "a.T@x", "x", "x a", "a", cookbook_eq="69", cookbook_claim="a")
sympy(T, "a.T@X@b", "X", "a X b", "a@b.T", cookbook_eq="70", cookbook_claim="a@b.T")
sympy(T, "a.T@X.T@b", "X", "a X b", "b@a.T", cookbook_eq="71", cookbook_claim="b@a.T")
sympy(T, "a.T@X@a", "X", "a X", "a@a.T", cookbook_eq="72", cookbook_claim="a@a.T")
sympy(T, "a.T@X.T@a", "X", "a X", "a@a.T", cookbook_eq="72", cookbook_claim="a@a.T")
sympy(T, "b.T@X.T@X@c", "X", "b X c", "X@b@c.T + X@c@b.T",
      cookbook_eq="77", cookbook_claim="X@(b@c.T + c@b.T)")
sympy(T, "(B@x + b).T@C@(D@x + d)", "x", "B x b C D d",
      "B.T@C@(D@x + d) + D.T@C.T@(B@x + b)",
      cookbook_eq="78", cookbook_claim="B.T@C@(D@x + d) + D.T@C.T@(B@x + b)")
sympy(T, "x.T@B@x", "x", "x B", "B@x + B.T@x", cookbook_eq="81",
      cookbook_claim="(B + B.T)@x")
sympy(T, "b.T@X.T@D@X@c", "X", "b X D c", "D.T@X@b@c.T + D@X@c@b.T",
      cookbook_eq="82", cookbook_claim="D.T@X@b@c.T + D@X@c@b.T")
sympy(T, "(X@b + c).T@D@(X@b + c)", "X", "X b c D", "D@(X@b + c)@b.T + D.T@(X@b + c)@b.T",
      cookbook_eq="83", cookbook_claim="(D + D.T)@(X@b + c)@b.T")
sympy(T, "((X@b + c).T@D@(X@b + c))[0, 0]", "X", "X b c D",
      unexpressible="expr[0, 0].diff(X[m, n]) compared as a printed Sum string: " + ENTRY)
sympy(T, "x@x.T@x", "x", "x", "kron(I_k, x.T@x) + 2*x@x.T",
      claim_note="KroneckerProduct(I, x.T*x) + 2*x*x.T; (x.T@x)*I_k + 2*x@x.T holds",
      note="github.com/sympy/sympy/issues/16504; the Jacobian of x (xᵀx)")

T = "test_matrix_derivatives_of_traces"
sympy(T, "trace(A)*A", "A", "A",
      note="also test_mixed_deriv_mixed_expressions and test_issue_15667 (the same "
           "expression); SymPy prints ArrayAdd(ArrayTensorProduct(I, A), …)")
sympy(T, "(trace(A)*A)[i, j]", "A", "A", unexpressible="expr[i, j].diff(A[m, n]): " + ENTRY)
sympy(T, "trace(X)", "X", "X", "I_k", cookbook_eq="99", cookbook_claim="I_k")
sympy(T, "trace(X)", "X", "X", unexpressible="expr.rewrite(Sum).diff(X[m, n]): " + ENTRY)
sympy(T, "trace(X@A)", "X", "X A", "A.T", cookbook_eq="100", cookbook_claim="A.T")
sympy(T, "trace(A@X@B)", "X", "A X B", "A.T@B.T", cookbook_eq="101", cookbook_claim="A.T@B.T")
sympy(T, "trace(A@X.T@B)", "X", "A X B", "B@A", cookbook_eq="102", cookbook_claim="B@A")
sympy(T, "trace(X.T@A)", "X", "X A", "A", cookbook_eq="103", cookbook_claim="A")
sympy(T, "trace(A@X.T)", "X", "A X", "A", cookbook_eq="104", cookbook_claim="A")
sympy(T, "trace(X^2)", "X", "X", "2*X.T", cookbook_eq="106", cookbook_claim="2*X.T")
sympy(T, "trace(X^2@B)", "X", "X B", "(X@B + B@X).T", cookbook_eq="107",
      cookbook_claim="(X@B + B@X).T")
sympy(T, "trace(X@X@B)", "X", "X B", "(X@B + B@X).T", cookbook_eq="107",
      cookbook_claim="(X@B + B@X).T", note="SymPy's Trace(MatMul(X, X, B))")
for eq, text in (("108", "trace(X.T@B@X)"), ("109", "trace(B@X@X.T)"), ("110", "trace(X@X.T@B)")):
    sympy(T, text, "X", "X B", "B@X + B.T@X", cookbook_eq=eq, cookbook_claim="B@X + B.T@X")
for eq, text in (("111", "trace(X@B@X.T)"), ("112", "trace(B@X.T@X)"), ("113", "trace(X.T@X@B)")):
    sympy(T, text, "X", "X B", "X@B.T + X@B", cookbook_eq=eq, cookbook_claim="X@B.T + X@B")
sympy(T, "trace(A@X@B@X)", "X", "A X B", "A.T@X.T@B.T + B.T@X.T@A.T", cookbook_eq="114",
      cookbook_claim="A.T@X.T@B.T + B.T@X.T@A.T")
sympy(T, "trace(X.T@X)", "X", "X", "2*X", cookbook_eq="115", cookbook_claim="2*X")
sympy(T, "trace(X@X.T)", "X", "X", "2*X", cookbook_eq="115", cookbook_claim="2*X")
sympy(T, "trace(B.T@X.T@C@X@B)", "X", "B X C", "C.T@X@B@B.T + C@X@B@B.T", cookbook_eq="116",
      cookbook_claim="C.T@X@B@B.T + C@X@B@B.T")
sympy(T, "trace(X.T@B@X@C)", "X", "X B C", "B@X@C + B.T@X@C.T", cookbook_eq="117",
      cookbook_claim="B@X@C + B.T@X@C.T")
sympy(T, "trace(A@X@B@X.T@C)", "X", "A X B C", "A.T@C.T@X@B.T + C@A@X@B", cookbook_eq="118",
      cookbook_claim="A.T@C.T@X@B.T + C@A@X@B")
sympy(T, "trace((A@X@B + C)@(A@X@B + C).T)", "X", "A X B C", "2*A.T@(A@X@B + C)@B.T",
      cookbook_eq="119", cookbook_claim="2*A.T@(A@X@B + C)@B.T")
sympy(T, "trace(B.T@X.T@C@X@X.T@C@X@B)", "X", "B X C",
      "C@X@X.T@C@X@B@B.T + C.T@X@B@B.T@X.T@C.T@X + C@X@B@B.T@X.T@C@X "
      "+ C.T@X@X.T@C.T@X@B@B.T", cookbook_eq="123",
      cookbook_claim="C@X@X.T@C@X@B@B.T + C.T@X@B@B.T@X.T@C.T@X + C@X@B@B.T@X.T@C@X "
                     "+ C.T@X@X.T@C.T@X@B@B.T")
sympy(T, "trace(A@X^(-1)@B)", "X", "A X:invertible B", "-inv(X).T@A.T@B.T@inv(X).T",
      cookbook_eq="124", cookbook_claim="-inv(X).T@A.T@B.T@inv(X).T")
sympy(T, "trace(inv(X.T@C@X)@A)", "X", "X:invertible C:invertible A",
      "-inv(X).T@A.T@inv(X)@inv(C).T@inv(X).T - inv(X).T@A@inv(X)@inv(C)@inv(X).T",
      note="SymPy's warning: the cookbook's (125) needs B and C symmetric (the cookbook case "
           "with symmetric C is mc-125)")
sympy(T, "trace(inv(X.T@C@X)@(X.T@B@X))", "X", "X:invertible C:invertible B",
      "-2*C@X@inv(X.T@C@X)@X.T@B@X@inv(X.T@C@X) + 2*B@X@inv(X.T@C@X)",
      note="for square invertible X the trace is tr(C⁻¹B), a constant: the derivative is 0")
sympy(T, "trace(inv(A + X.T@C@X)@(X.T@B@X))", "X", "A:invertible X:invertible C:invertible B",
      "B@X@inv(A + X.T@C@X) - C@X@inv(A + X.T@C@X)@X.T@B@X@inv(A + X.T@C@X) "
      "- C.T@X@inv(A.T + (C@X).T@X)@X.T@B.T@X@inv(A.T + (C@X).T@X) "
      "+ B.T@X@inv(A.T + (C@X).T@X)",
      note="SymPy's warning: the cookbook's (127) needs B and C symmetric (mc-127)")

sympy("test_derivatives_of_complicated_matrix_expr",
      "a.T@(A@X@(X.T@B + X@A) + B.T@X.T@(a@b.T@(X@D@X.T + X@(X.T@B + A@X)@D@B "
      "- X.T@C.T@A)@B + B@(X@D.T + B@A@X@A.T - 3*X@D))@B + 42*X@B@X.T@A.T@(X + X.T))@b",
      "X", "a A X B D C b",
      "(B@(B@A@X@A.T - 3*X@D + X@D.T) + a@b.T@(X@(A@X + X.T@B)@D@B + X@D@X.T "
      "- X.T@C.T@A)@B)@B@b@a.T@B.T + B^2@b@a.T@B.T@X.T@a@b.T@X@D + 42*A@X@B.T@X.T@a@b.T "
      "+ B@D@B^3@b@a.T@B.T@X.T@a@b.T@X + B@b@a.T@A@X + a@b.T@(42*X + 42*X.T)@A@X@B.T "
      "+ b@a.T@X@B@a@b.T@(B.T)^2@X@D.T + b@a.T@X@B@a@b.T@(B.T)^3@D.T@(B.T@X + X.T@A.T) "
      "+ 42*b@a.T@X@B@X.T@A.T + A.T@(42*X + 42*X.T)@b@a.T@X@B "
      "+ A.T@(B.T)^2@X@B@a@b.T@B.T@A + A.T@a@b.T@(A.T@X.T + B.T@X) "
      "+ A.T@X.T@b@a.T@X@B@a@b.T@(B.T)^3@D.T + B.T@X@B@a@b.T@B.T@D "
      "- 3*B.T@X@B@a@b.T@B.T@D.T - C.T@A@B^2@b@a.T@B.T@X.T@a@b.T + X.T@A.T@a@b.T@A.T")

T = "test_mixed_deriv_mixed_expressions"
sympy(T, "3*trace(A)", "A", "A", "3*I_k")
sympy(T, "k", "A", "A", "zeros(k, k)", note="the dimension k, a constant")
sympy(T, "trace(A)^2", "A", "A", "2*trace(A)*I_k")
sympy(T, "trace(trace(A)*A)", "A", "A", "2*trace(A)*I_k")
sympy(T, "trace(trace(trace(A)*A)*A)", "A", "A", "3*trace(A)^2*I_k")

T = "test_derivatives_matrix_norms"
sympy(T, "x.T@y", "x", "x y", "y")
sympy(T, "(x.T@y)[0, 0]", "x", "x y", unexpressible="expr[0, 0].diff(x[m, 0]): " + ENTRY)
sympy(T, "(x.T@y)^(1/2)", "x", "x:positive y:positive", "y/(2*sqrt(x.T@y))")
sympy(T, "(x.T@x)^(1/2)", "x", "x", "x*(x.T@x)^(-1/2)")
sympy(T, "(c.T@a@x.T@b)^(1/2)", "x", "c:positive a:positive x:positive b:positive",
      "b@a.T@c/sqrt(c.T@a@x.T@b)/2")
sympy(T, "(c.T@a@x.T@b)^(1/3)", "x", "c:positive a:positive x:positive b:positive",
      "b@a.T@c*(c.T@a@x.T@b)^(-2/3)/3")
sympy(T, "(a.T@X@b)^(1/2)", "X", "a:positive X:positive b:positive",
      "a/(2*sqrt(a.T@X@b))@b.T",
      note="also test_derivatives_of_hadamard_expressions: hadamard_power(a.T*X*b, S.Half), "
           "the same claim")
sympy(T, "(d.T@x)*(a.T@X@b)^(1/2)*(y.T@c)", "X", "d x a:positive X:positive b:positive y c",
      "a@(x.T@d)@(y.T@c)/(2*sqrt(b.T@X.T@a))@b.T",
      note="SymPy's d.T*x*(a.T*X*b)**S.Half*y.T*c, a product of 1×1 matrices")
sympy(T, "sqrt(trace(X.T@X))", "X", "X", "X/sqrt(trace(X@X.T))",
      note="github.com/sympy/sympy/issues/28615")

T = "test_derivatives_elementwise_applyfunc"
sympy(T, "tan(x)", "x", "x", "diag(tan(x)^2 + 1)")
sympy(T, "tan(x)[i, 0]", "x", "x", unexpressible="expr[i, 0].diff(x[m, 0]): " + ENTRY)
sympy(T, "sin(i^2*x)", "i", "x i:scalar", "(2*i*x) .* cos(i^2*x)", "entrywise")
sympy(T, "sin(i^2*x)[i, 0]", "i", "x i:scalar",
      unexpressible="expr[i, 0].diff(i): the entry's index i is also the variable")
sympy(T, "sin(log(i)*A@B)", "i", "A B i:scalar:positive", "(A@B/i) .* cos(log(i)*A@B)",
      "entrywise")
sympy(T, "A@exp(x)", "x", "A x", "diag(exp(x))@A.T",
      claim_note="SymPy's assertion is commented out: 'TODO: restore this result (currently "
                 "returning the transpose)'")
sympy(T, "x.T@A@x + k*sin(y).T@x", "x", "x A y", "A.T@x + A@x + k*sin(y)")
sympy(T, "sin(x).T@y", "x", "x y", "diag(cos(x))@y",
      claim_note="commented out in SymPy: 'TODO: restore (currently returning the transpose)'")
sympy(T, "sin(a.T@X@b)", "X", "a X b", "a@cos(a.T@X@b)@b.T")
sympy(T, "a.T@sin(X)@b", "X", "a X b", "diag(a)@cos(X)@diag(b)")
sympy(T, "a.T@sin(A@X@B)@b", "X", "a A X B b", "A.T@diag(a)@cos(A@X@B)@diag(b)@B.T")
sympy(T, "a.T@sin(A@X@b)@b.T", "X", "a A X b",
      note="SymPy: 'TODO: not implemented' (a row-valued function of a matrix)")
sympy(T, "a.T@A@sin(X)@B@b", "X", "a A X B b", "(A.T@a@b.T@B.T) .* cos(X)")
sympy(T, "a.T@log(A@sin(X)@B)@b", "X", "a A:positive X:positive B:positive b",
      "A.T@diag(a)@(1/(A@sin(X)@B))@diag(b)@B.T", holds=False,
      claim_note="commented out in SymPy, marked 'TODO: wrong': the cos(X) factor of the chain "
                 "rule is missing")
sympy(T, "a.T@log(sin(X))@b", "X", "a X:positive b", "diag(a)@(1/sin(X))@diag(b)",
      holds=False, claim_note="commented out in SymPy, marked 'TODO: wrong': the cos(X) "
                              "factor is missing",
      note="issue 17 names it: an element-wise function of a matrix argument")

T = "test_derivatives_of_hadamard_expressions"
sympy(T, "a .* x .* b", "x", "a x b", "diag(b .* a)")
sympy(T, "a.T@(A .* X .* B)@b", "X", "a A X B b", "(a@b.T) .* A .* B")
sympy(T, "x^2", "x", "x", "2*diag(x)", note="hadamard_power(x, 2)")
sympy(T, "(x.T)^2", "x", "x", "2*diag(x)", note="hadamard_power(x.T, 2), a row")
sympy(T, "x^(1/2)", "x", "x:positive", "diag(x^(-1/2))/2")
sympy(T, "(a.T@X@b)^2", "X", "a X b", "2*a@a.T@X@b@b.T")

sympy("test_fix_issue_24021", "trace(E)^2 + trace(E@E.T)", "E", "E:3,3",
      "2*trace(E)*I_3 + 2*E")
sympy("test_fix_issue_on_stackoverflow", "x.T@[1, 2; 4, 7]@x + x.T@[3; 5] + 6", "x", "x:2",
      "[1, 2; 4, 7]@x + [1, 2; 4, 7].T@x + [3; 5]", note="stackoverflow.com/questions/69874089")
T = "test_issue_25118"
sympy(T, "trace(F) - 1", "F", "F:3,3", "I_3")
sympy(T, "trace(F.T@F) - 3", "F", "F:3,3", "2*F")
T = "test_issue_24725"
sympy(T, "trace((x - m*ones(N, 1)).T@(x - m*ones(N, 1)))", "m", "x:N m:scalar",
      "-trace(((-m)*ones(N, 1).T + x.T)@ones(N, 1)) - trace(ones(N, 1).T@((-m)*ones(N, 1) + x))")
sympy(T, "trace(x.T@w) + b", "w", "x:N w:N b:scalar", "x")
sympy(T, "w[0]", "w", "w:N", "I_N[:, 0]", note="w[0, 0].diff(w) == MatrixUnit(N, 1, 0, 0)")
T = "test_issue_23492"
sympy(T, "trace(A)", "A", "A:3,3", "I_3",
      note="also with A.as_explicit() on either side: the same function")
sympy(T, "trace(A) + trace(A^2)", "A", "A:3,3", "I_3 + 2*A.T")
sympy("test_issue_23364", "(x*F)^2", "x", "x:scalar F:3,3", "2*x*F^2", "entrywise")
sympy("test_issue_21597", "b - F@c", "b", "b:3 c:3 F:3,3", "I_3")
T = "test_issue_23931"
sympy(T, "1/trace(F)", "F", "F:3,3:positive", "(-1/trace(F)^2)*I_3")
sympy(T, "x/trace(x.T@x)", "x", "x:d", "(-2/trace(x@x.T)^2)*x@x.T + 1/trace(x@x.T)*I_d")
T = "test_issue_17229"
sympy(T, "M[1, 2]", "M", "M:3,3", "I_3[:, 1]@I_3[:, 2].T",
      note="also M[1, 2].diff(M.as_explicit()): the same function")
sympy(T, "M", "M", "M:3,3", unexpressible="M.diff(M[1, 1]): " + ENTRY)
sympy(T, "M", "M", "M:3,3", unexpressible="M.as_explicit().diff(M[1, 2]): " + ENTRY)
sympy(T, "M", "M", "M:3,3",
      note="M.diff(M.as_explicit()) and M.as_explicit().diff(M): a 4-d result, printed "
           "as arrays of MatrixUnit")
sympy("test_issue_15651", "X@X", "X", "X:3,3",
      note="X.as_explicit()*X: a 4-d result printed as explicit arrays")
T = "test_matpow_derivative"
sympy(T, "[m, 0; 0, m]^2", "m", "m:scalar", "[2*m, 0; 0, 2*m]", "entrywise")
sympy(T, "[0, m; n, 0]^3", "m", "m:scalar n:scalar", "[0, 2*m*n; n^2, 0]", "entrywise")
sympy(T, "[0, m; n, 0]^0", "m", "m:scalar n:scalar", "zeros(2, 2)", "entrywise")
sympy(T, "[0, m; n, 0]^(-1)", "m", "m:scalar:positive n:scalar:positive", layout="numerator",
      note="SymPy returns the unevaluated ArrayDerivative(M, m)")
sympy(T, "[0, m; n, 0]^i", "m", "m:scalar n:scalar i:scalar:whole", layout="numerator",
      note="SymPy returns the unevaluated ArrayDerivative(M, m); i is a whole number here")
T = "test_matexpr_derivative_by_matrix_element"
for text, entry in (("X + Y", "Y[0, 0]"), ("X + a*Y", "X[a, 0]"), ("X + a*Y", "Y[a, 0]"),
                    ("X + a*Y", "Z[a, 0]")):
    sympy(T, text, "X", "X:2,2 Y:2,2 a:scalar",
          unexpressible=f"({text}).diff({entry}): " + ENTRY)
sympy(T, "X + a*Y", "a", "X:2,2 Y:2,2 a:scalar", "Y", "entrywise")
sympy(T, "A", "A", "A:a,a", unexpressible="A.diff(Y[a, a]) with A an a×a MatrixSymbol: " + ENTRY)


# --------------------------------------------------------------------------- Matrix Cookbook
COOKBOOK: list[Case] = []
UNTAGGED = "equation number counted by position (no tag in the sources used)"
TALL = ({"m": 3, "n": 2}, {"m": 4, "n": 2}, {"m": 3, "n": 3})
"""m ≥ n, so that XᵀCX is invertible."""


def cookbook(eq: str, expression: str, wrt: str, givens: str, claim: str | None,
             claim_layout: str = "denominator", holds: bool = True, claim_note: str = "",
             **more: Any) -> None:
    source = f"Matrix Cookbook eq. ({eq})"
    claims = (Claim(source, claim, claim_layout, holds, claim_note),) if claim else ()
    more.setdefault("layout", "numerator" if claim_layout == "entrywise" else claim_layout)
    COOKBOOK.append(Case(f"mc-{int(eq):03d}", expression, wrt, givens, (source,), claims,
                         **more))


def _lettered(cases: list[Case]) -> list[Case]:
    """Ids made unique: an equation stated by several cases gets mc-115a, mc-115b, …"""
    counts = Counter(c.id for c in cases)
    seen: Counter = Counter()
    out = []
    for case in cases:
        if counts[case.id] > 1:
            seen[case.id] += 1
            case = replace(case, id=case.id + "abcdefghij"[seen[case.id] - 1])
        out.append(case)
    return out


cookbook("46", "det(A + x*B)", "x", "A:n,n:invertible B:n,n x:scalar",
         "det(A + x*B)*trace(inv(A + x*B)@B)",
         note="the general form ∂det(Y)/∂x = det(Y) Tr[Y⁻¹ ∂Y/∂x] at Y = A + xB")
cookbook("53", "det(X.T@A@X)", "X", "X:m,n A:m,m:spd",
         "2*det(X.T@A@X)*A@X@inv(X.T@A@X)", sizes=TALL, note="X not square, A symmetric")
cookbook("55", "log(det(X.T@X))", "X", "X:m,n", "2*(inv(X.T@X)@X.T).T", sizes=TALL,
         claim_note="X⁺ written (XᵀX)⁻¹Xᵀ: the pseudo-inverse of a full-column-rank X")
cookbook("57", "log(abs(det(X)))", "X", "X:n,n:real", "inv(X).T",
         note="X is drawn with either sign of det X; also printed as (Xᵀ)⁻¹")
cookbook("58", "det(X@X@X)", "X", "X:n,n:invertible", "3*det(X@X@X)*inv(X).T",
         note="k = 3, the power written as a product")
cookbook("59", "inv(A + x*B)", "x", "A:n,n:invertible B:n,n x:scalar",
         "-inv(A + x*B)@B@inv(A + x*B)", "entrywise",
         note="the basic identity ∂Y⁻¹/∂x = -Y⁻¹ (∂Y/∂x) Y⁻¹ at Y = A + xB")
cookbook("60", "inv(X)[0, 1]", "X", "X:n,n:invertible", "-(inv(X)[0, :]).T@(inv(X)[:, 1]).T",
         note="∂(X⁻¹)_kl/∂X_ij = -(X⁻¹)_ki (X⁻¹)_jl at k = 1, l = 2 (counted from 1)")
cookbook("63", "trace(A@inv(X)@B)", "X", "A:p,n X:n,n:invertible B:n,p",
         "-(inv(X)@B@A@inv(X)).T")
cookbook("70", "a.T@X@b", "X", "a:m X:m,n b:n", "a@b.T")
cookbook("71", "a.T@X.T@b", "X", "a:n X:m,n b:m", "b@a.T")
cookbook("73", "X[0, 1]", "X", "X:m,n", "I_m[:, 0]@I_n[:, 1].T",
         note="∂X/∂X_ij = J^ij read entry by entry: the gradient of X_ij is J^ij (i=1, j=2)")
cookbook("74", "(X@A)[0, 1]", "X", "X:m,n A:n,p", "I_m[:, 0]@A[:, 1].T",
         note="∂(XA)_ij/∂X_mn = δ_im A_nj at i = 1, j = 2")
cookbook("75", "(X.T@A)[0, 1]", "X", "X:m,n A:m,p", "A[:, 1]@I_n[:, 0].T",
         note="∂(XᵀA)_ij/∂X_mn = δ_in A_mj at i = 1, j = 2")
cookbook("76", "sum(X)^2", "X", "X:m,n", "2*sum(X)*ones(m, n)",
         note="∂/∂X_ij Σ_klmn X_kl X_mn = 2 Σ_kl X_kl")
cookbook("77", "b.T@X.T@X@c", "X", "b:n X:m,n c:n", "X@(b@c.T + c@b.T)")
cookbook("78", "(B@x + b).T@C@(D@x + d)", "x", "x:n B:m,n b:m C:m,p D:p,n d:p",
         "B.T@C@(D@x + d) + D.T@C.T@(B@x + b)")
cookbook("79", "(X.T@B@X)[0, 1]", "X", "X:m,n B:m,m",
         "(X.T@B)[0, :].T@I_n[:, 1].T + (B@X)[:, 1]@I_n[:, 0].T",
         note="∂(XᵀBX)_kl/∂X_ij = δ_lj (XᵀB)_ki + δ_kj (BX)_il at k = 1, l = 2; (80) is "
              "the same identity as a matrix")
cookbook("82", "b.T@X.T@D@X@c", "X", "b:n X:m,n D:m,m c:n", "D.T@X@b@c.T + D@X@c@b.T")
cookbook("83", "(X@b + c).T@D@(X@b + c)", "X", "X:m,n b:n c:m D:m,m",
         "(D + D.T)@(X@b + c)@b.T")
W_SYMMETRIC = "W symmetric (the cookbook's assumption); " + UNTAGGED
cookbook("84", "(x - A@s).T@W@(x - A@s)", "s", "x:m A:m,n s:n W:m,m:spd",
         "-2*A.T@W@(x - A@s)", note=W_SYMMETRIC)
cookbook("85", "(x - s).T@W@(x - s)", "x", "x:n s:n W:n,n:spd", "2*W@(x - s)",
         note=W_SYMMETRIC)
cookbook("86", "(x - s).T@W@(x - s)", "s", "x:n s:n W:n,n:spd", "-2*W@(x - s)",
         note=W_SYMMETRIC)
cookbook("87", "(x - A@s).T@W@(x - A@s)", "x", "x:m A:m,n s:n W:m,m:spd", "2*W@(x - A@s)",
         note=W_SYMMETRIC)
cookbook("88", "(x - A@s).T@W@(x - A@s)", "A", "x:m A:m,n s:n W:m,m:spd",
         "-2*W@(x - A@s)@s.T", note=W_SYMMETRIC)
cookbook("88", "(x - A@s).T@W@(x - A@s)", "A", "x:m A:m,n s:n W:m,m", "-2*W@(x - A@s)@s.T",
         holds=False, claim_note="outside the stated assumption W = Wᵀ (W is general here): "
                                 "the general form is -(W + Wᵀ)(x - As)sᵀ",
         note="the cookbook's formula applied where its assumption fails, to show the check "
              "can fail; " + UNTAGGED)
cookbook("90", "(X^3)[0, 1]", "X", "X:n,n",
         "I_n[0, :].T@(X^2)[:, 1].T + X[0, :].T@X[:, 1].T + (X^2)[0, :].T@I_n[:, 1].T",
         note="∂(Xⁿ)_kl/∂X_ij = Σ_r (X^r J^ij X^(n-1-r))_kl at n = 3, k = 1, l = 2")
cookbook("91", "a.T@X^3@b", "X", "a:n X:n,n b:n",
         "a@b.T@(X^2).T + X.T@a@b.T@X.T + (X^2).T@a@b.T", note="n = 3")
cookbook("91", "a.T@X@X@X@b", "X", "a:n X:n,n b:n",
         "a@b.T@(X@X).T + X.T@a@b.T@X.T + (X@X).T@a@b.T", note="n = 3, the power as a product")
cookbook("92", "a.T@(X^2).T@X^2@b", "X", "a:n X:n,n b:n",
         "X@a@b.T@(X^2).T + X^2@a@b.T@X.T + a@b.T@(X^2).T@X + X.T@X^2@a@b.T", holds=False,
         claim_note="as transcribed, Σ_r [X^(n-1-r) abᵀ (Xⁿ)ᵀ X^r + (X^r)ᵀ Xⁿ abᵀ "
                    "(X^(n-1-r))ᵀ]: the first term is the transpose of (X^r)ᵀ Xⁿ baᵀ "
                    "(X^(n-1-r))ᵀ; Σ_r (X^r)ᵀ Xⁿ (abᵀ + baᵀ)(X^(n-1-r))ᵀ holds",
         note="n = 2; " + UNTAGGED)
cookbook("93", "(B@x).T@A@tanh(C@x)", "x", "x:n B:m,n A:m,p C:p,n",
         "B.T@A@tanh(C@x) + (diag(1 - tanh(C@x)^2)@C).T@A.T@B@x",
         note="∂(sᵀAr)/∂x = [∂s/∂x]ᵀ A r + [∂r/∂x]ᵀ Aᵀ s at s = Bx, r = tanh(Cx) "
              "(numerator Jacobians); " + UNTAGGED)
cookbook("94", "(A@x).T@(A@x)/((B@x).T@(B@x))", "x", "x:n A:m,n B:n,n",
         "2*A.T@A@x/(x.T@B@B@x) - 2*(x.T@A.T@A@x)*B.T@B@x/(x.T@B.T@B@x)^2", holds=False,
         claim_note="printed with xᵀBBx in the first denominator, a typo: with xᵀBᵀBx it holds",
         note=UNTAGGED)
cookbook("96", "x.T@A@x + b.T@x", "x", "x:n A:n,n b:n", "(A + A.T)@x + b",
         note="the gradient of f = xᵀAx + bᵀx; " + UNTAGGED)
cookbook("98", "trace(sin(X))", "X", "X:n,n", None,
         unexpressible="∂Tr(F(X))/∂X = f(X)ᵀ is about a matrix function F (a power series "
                       "in X); the notation's functions act entry by entry")
cookbook("100", "trace(X@A)", "X", "X:m,n A:n,m", "A.T")
cookbook("101", "trace(A@X@B)", "X", "A:p,m X:m,n B:n,p", "A.T@B.T")
cookbook("102", "trace(A@X.T@B)", "X", "A:p,n X:m,n B:m,p", "B@A")
cookbook("103", "trace(X.T@A)", "X", "X:m,n A:m,n", "A")
cookbook("104", "trace(A@X.T)", "X", "A:m,n X:m,n", "A")
cookbook("105", "trace(kron(A, X))", "X", "A:p,p X:n,n", "trace(A)*I_n")
cookbook("108", "trace(X.T@B@X)", "X", "X:m,n B:m,m", "B@X + B.T@X")
cookbook("109", "trace(B@X@X.T)", "X", "X:m,n B:m,m", "B@X + B.T@X")
cookbook("110", "trace(X@X.T@B)", "X", "X:m,n B:m,m", "B@X + B.T@X")
cookbook("111", "trace(X@B@X.T)", "X", "X:m,n B:n,n", "X@B.T + X@B")
cookbook("112", "trace(B@X.T@X)", "X", "X:m,n B:n,n", "X@B.T + X@B")
cookbook("113", "trace(X.T@X@B)", "X", "X:m,n B:n,n", "X@B.T + X@B")
cookbook("114", "trace(A@X@B@X)", "X", "A:n,m X:m,n B:n,m", "A.T@X.T@B.T + B.T@X.T@A.T")
cookbook("115", "trace(X.T@X)", "X", "X:m,n", "2*X")
cookbook("115", "trace(X@X.T)", "X", "X:m,n", "2*X")
cookbook("116", "trace(B.T@X.T@C@X@B)", "X", "X:m,n C:m,m B:n,p", "C.T@X@B@B.T + C@X@B@B.T")
cookbook("117", "trace(X.T@B@X@C)", "X", "X:m,n B:m,m C:n,n", "B@X@C + B.T@X@C.T")
cookbook("118", "trace(A@X@B@X.T@C)", "X", "A:p,m X:m,n B:n,n C:m,p",
         "A.T@C.T@X@B.T + C@A@X@B")
cookbook("119", "trace((A@X@B + C)@(A@X@B + C).T)", "X", "A:p,m X:m,n B:n,q C:p,q",
         "2*A.T@(A@X@B + C)@B.T")
cookbook("120", "trace(kron(X, X))", "X", "X:n,n", "2*trace(X)*I_n")
cookbook("120", "trace(X)*trace(X)", "X", "X:n,n", "2*trace(X)*I_n")
cookbook("121", "trace(X^3)", "X", "X:n,n", "3*(X^2).T", note="k = 3")
cookbook("121", "trace(X@X@X)", "X", "X:n,n", "3*(X@X).T", note="k = 3, as a product")
cookbook("122", "trace(A@X^3)", "X", "A:n,n X:n,n", "(A@X^2).T + (X@A@X).T + (X^2@A).T",
         note="k = 3: Σ_r (X^r A X^(k-r-1))ᵀ")
cookbook("123", "trace(B.T@X.T@C@X@X.T@C@X@B)", "X", "X:m,n C:m,m B:n,p",
         "C@X@X.T@C@X@B@B.T + C.T@X@B@B.T@X.T@C.T@X + C@X@B@B.T@X.T@C@X "
         "+ C.T@X@X.T@C.T@X@B@B.T")
cookbook("124", "trace(A@inv(X)@B)", "X", "A:p,n X:n,n:invertible B:n,p",
         "-inv(X).T@A.T@B.T@inv(X).T")
SYMMETRIC_BC = "B and C symmetric (the cookbook's assumption); X tall, so XᵀCX is invertible"
cookbook("125", "trace(inv(X.T@C@X)@A)", "X", "X:m,n C:m,m:spd A:n,n",
         "-(C@X@inv(X.T@C@X))@(A + A.T)@inv(X.T@C@X)", sizes=TALL, note=SYMMETRIC_BC)
cookbook("126", "trace(inv(X.T@C@X)@(X.T@B@X))", "X", "X:m,n C:m,m:spd B:m,m:spd",
         "-2*C@X@inv(X.T@C@X)@X.T@B@X@inv(X.T@C@X) + 2*B@X@inv(X.T@C@X)", sizes=TALL,
         note=SYMMETRIC_BC)
cookbook("127", "trace(inv(A + X.T@C@X)@(X.T@B@X))", "X",
         "A:n,n:spd X:m,n C:m,m:spd B:m,m:spd",
         "-2*C@X@inv(A + X.T@C@X)@X.T@B@X@inv(A + X.T@C@X) + 2*B@X@inv(A + X.T@C@X)",
         note="B and C symmetric (the cookbook's assumption)")
cookbook("128", "trace(sin(X))", "X", "X:n,n", None,
         unexpressible="sin(X) there is the matrix sine (a power series in X), whose "
                       "derivative is cos(X)ᵀ; the notation's sin is element-wise")
cookbook("129", "norm(x - a)", "x", "x:n a:n", "(x - a)/norm(x - a)")
cookbook("130", "(x - a)/norm(x - a)", "x", "x:n a:n",
         "I_n/norm(x - a) - (x - a)@(x - a).T/norm(x - a)^3", "numerator")
cookbook("131", "norm(x)^2", "x", "x:n", "2*x")
cookbook("131", "norm(x.T@x)", "x", "x:n", "2*x", note="‖xᵀx‖₂ of the 1×1 xᵀx")
cookbook("132", "norm(X)^2", "X", "X:m,n", "2*X", note="the Frobenius norm")


# --------------------------------------------------------------------------- issue 17
ISSUE = "derivekit issue 17 (named there; in neither source)"
NAMED = [
    Case("issue-1", "sum(log(X))", "X", "X:m,n:positive", (ISSUE,)),
    Case("issue-2", "sum(tanh(X))", "X", "X:m,n", (ISSUE,)),
    Case("issue-3", "sum(A/X)", "X", "A:m,n X:m,n:positive", (ISSUE,)),
    Case("issue-1s", "sum(log(X))", "X", "X:n,n:positive", (ISSUE,), note="X square"),
    Case("issue-2s", "sum(tanh(X))", "X", "X:n,n", (ISSUE,), note="X square"),
    Case("issue-3s", "sum(A/X)", "X", "A:n,n X:n,n:positive", (ISSUE,), note="X square"),
    Case("issue-4", "sum(abs(x))", "x", "x:n", (ISSUE,), note="lasso's penalty"),
    Case("issue-5", "norm(X@w - y)^2 + lam*sum(abs(w))", "w",
         "X:m,n w:n y:m lam:scalar:positive", (ISSUE,), note="the lasso objective"),
    Case("issue-6", "x/sqrt(x.T@x)", "x", "x:n", (ISSUE,),
         note="codegen emits x @ 2.0 * x.T for it (issue 17)"),
    Case("issue-7", "log(det(X.T@A@X))", "X", "A:m,m:spd X:m,n", (ISSUE,), sizes=TALL),
]

CASES: tuple[Case, ...] = (*SYMPY, *_lettered(COOKBOOK), *NAMED)
