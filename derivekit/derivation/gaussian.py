"""Exact expectations of polynomials in independent zero-mean Gaussian entries.

E[N^k] = 0 for odd k and sigma^k (k-1)!! for even k, applied monomial by monomial: the
expectation of a squared residual with instance noise comes out exactly, with no sampling.
"""

from __future__ import annotations

from typing import Any, Sequence

import sympy


def moment(power: int, sigma: Any) -> Any:
    if power % 2:
        return sympy.Integer(0)
    return sigma**power * sympy.factorial2(power - 1)


def expectation(expr: Any, noise: Sequence[tuple[sympy.Symbol, Any]]) -> Any:
    """E[expr] over independent N_i ~ N(0, sigma_i^2); raises PolynomialError if not polynomial."""
    symbols = [s for s, _ in noise]
    poly = sympy.Poly(sympy.expand(expr), *symbols)
    total = sympy.Integer(0)
    for powers, coeff in poly.terms():
        term = coeff
        for k, (_, sigma) in zip(powers, noise):
            term *= moment(k, sigma)
        total += term
    return total
