"""Seed 002 §3: the Jacobian of f2 ∘ f1 by the chain rule, and its value at (1, 2)."""

import math

import numpy as np

from derivekit.model import Claim, Derivative, Equation, Given, Problem, Source, Wrong
from derivekit.ops import cos, exp, sin, vstack

PI = math.pi
POINT = np.array([[1.0], [2.0]])


def f1(x):
    x1, x2 = x[0, 0], x[1, 0]
    return vstack(sin(PI * x2) / PI, exp(x1 - 1) * x2**2, x1 * x2)


def f2(u):
    return vstack(u[0, 0] + u[1, 0] + u[2, 0], u[0, 0]**2 + u[1, 0]**2 + u[2, 0]**2)


def jacobian_f1(x):
    """Rows: outputs of f1; columns: x1, x2 (numerator layout)."""
    x1, x2 = x[0, 0], x[1, 0]
    return vstack(vstack(0 * x1, cos(PI * x2)).T,
                  vstack(exp(x1 - 1) * x2**2, 2 * exp(x1 - 1) * x2).T,
                  vstack(x2, x1).T)


def jacobian_f2(u):
    return vstack(1 + 0 * u.T, 2 * u.T)


def chain_rule(x):
    return jacobian_f2(f1(x)) @ jacobian_f1(x)


def at_point(fn):
    """A closed form evaluated at (1, 2) (float64: the entries are small integers)."""
    return lambda: fn(POINT)


PROBLEM = Problem(
    id="composite-jacobian",
    title="Vector derivative: the Jacobian of a composition",
    source=Source("002_a2d52afd229cfba6.txt", "3"),
    statement=(
        r"With $f_1(x)=\big(\tfrac1\pi\sin(\pi x_2),\ e^{x_1-1}x_2^2,\ x_1x_2\big)^T$ and "
        r"$f_2(u)=\big(u_1+u_2+u_3,\ u_1^2+u_2^2+u_3^2\big)^T$, find "
        r"$\partial f/\partial x$ for $f=f_2\circ f_1$ at $x=(1,2)^T$ (numerator layout: "
        r"rows index the output)."
    ),
    givens=(Given("x", (2, 1)), Given("u", (3, 1))),
    parts=(
        Derivative(
            name="jacobian-f1",
            asks=r"$J_{f_1}(x)$",
            of=f1, wrt="x", layout="numerator",
            answer=jacobian_f1,
            answer_latex=(r"\begin{bmatrix}0&\cos\pi x_2\\e^{x_1-1}x_2^2&2e^{x_1-1}x_2\\"
                          r"x_2&x_1\end{bmatrix}"),
            derivation=(
                r"\frac{\partial}{\partial x}\Big(\tfrac1\pi\sin(\pi x_2)\Big) &= \big(0,\ "
                r"\cos(\pi x_2)\big)",
                r"\frac{\partial}{\partial x}\big(e^{x_1-1}x_2^2\big) &= \big(e^{x_1-1}x_2^2,\ "
                r"2e^{x_1-1}x_2\big)",
                r"\frac{\partial}{\partial x}(x_1x_2) &= (x_2,\ x_1)",
            ),
            claim=Claim(r"J_{f_1} = \begin{bmatrix} 0 & \cos(\pi x_2) \\ e^{x_1-1} x_2^2 & "
                        r"2e^{x_1-1} x_2 \\ x_2 & x_1 \end{bmatrix}", jacobian_f1, section="3"),
            wrong=(Wrong("forgot the 1/π: π cos(π x2)",
                         lambda x: jacobian_f1(x) * np.array([[1, PI], [1, 1], [1, 1]])),),
        ),
        Derivative(
            name="jacobian-f2",
            asks=r"$J_{f_2}(u)$",
            of=f2, wrt="u", layout="numerator",
            answer=jacobian_f2,
            answer_latex=r"\begin{bmatrix}1&1&1\\2u_1&2u_2&2u_3\end{bmatrix}",
            derivation=(
                r"\frac{\partial}{\partial u}(u_1+u_2+u_3) &= (1,\ 1,\ 1)",
                r"\frac{\partial}{\partial u}(u_1^2+u_2^2+u_3^2) &= (2u_1,\ 2u_2,\ 2u_3)",
            ),
            claim=Claim(r"J_{f_2} = \begin{bmatrix} 1 & 1 & 1 \\ 2x_1 & 2x_2 & 2x_3 "
                        r"\end{bmatrix}", jacobian_f2, section="3"),
            wrong=(Wrong("second row u instead of 2u", lambda u: vstack(1 + 0 * u.T, u.T)),),
        ),
        Derivative(
            name="jacobian-f",
            asks=r"$J_f(x)$ by the chain rule",
            of=lambda x: f2(f1(x)), wrt="x", layout="numerator",
            answer=chain_rule,
            answer_latex=r"J_{f_2}\big(f_1(x)\big)\,J_{f_1}(x)",
            derivation=(
                r"\frac{\partial f_i}{\partial x_j} &= \textstyle\sum_k \frac{\partial "
                r"f_{2,i}}{\partial u_k}\Big|_{u=f_1(x)} \frac{\partial f_{1,k}}{\partial x_j}",
                r"J_f(x) &= J_{f_2}\big(f_1(x)\big)\,J_{f_1}(x)\quad (2\times3)(3\times2)",
            ),
            claim=Claim(r"J_f = J_{f_2}(f_1(x)) \cdot J_{f_1}(x)", chain_rule, section="3"),
            wrong=(Wrong("J_f2 evaluated at x's entries padded, not at f1(x)",
                         lambda x: jacobian_f2(vstack(x, 0 * x[0, 0])) @ jacobian_f1(x)),),
        ),
        Equation(
            name="jacobian-f1-at-point",
            asks=r"$J_{f_1}(1,2)$",
            lhs=at_point(jacobian_f1),
            rhs=lambda: np.array([[0, 1], [4, 4], [2, 1]]),
            answer_latex=r"\begin{bmatrix}0&1\\4&4\\2&1\end{bmatrix}",
            derivation=(
                r"\cos(2\pi) &= 1,\quad e^{0}\cdot2^2=4,\quad 2e^{0}\cdot2=4,\quad (x_2,x_1)=(2,1)",
            ),
            claim=Claim(r"\begin{bmatrix} 0 & 1 \\ 4 & 4 \\ 2 & 1 \end{bmatrix}",
                        lambda: np.array([[0, 1], [4, 4], [2, 1]]), section="3"),
            wrong=(Wrong("cos(2π) taken as 0", lambda: np.array([[0, 0], [4, 4], [2, 1]])),),
        ),
        Equation(
            name="f1-at-point",
            asks=r"$f_1(1,2)$",
            lhs=at_point(f1),
            rhs=lambda: np.array([[0], [4], [2]]),
            answer_latex=r"(0,4,2)^T",
            derivation=(
                r"f_1(1,2) &= \big(\tfrac1\pi\sin2\pi,\ e^{0}\cdot2^2,\ 1\cdot2\big)^T=(0,4,2)^T",
            ),
            claim=Claim(r"\begin{bmatrix} 0 \\ 4 \\ 2 \end{bmatrix}",
                        lambda: np.array([[0], [4], [2]]), section="3"),
            wrong=(Wrong("sin(2π)/π taken as 1/π", lambda: np.array([[1 / PI], [4], [2]])),),
        ),
        Equation(
            name="jacobian-f2-at-f1",
            asks=r"$J_{f_2}$ at $f_1(1,2)$",
            lhs=lambda: jacobian_f2(f1(POINT)),
            rhs=lambda: np.array([[1, 1, 1], [0, 8, 4]]),
            answer_latex=r"\begin{bmatrix}1&1&1\\0&8&4\end{bmatrix}",
            derivation=(
                r"J_{f_2}(u) &= \text{rows } (1,1,1) \text{ and } (2u_1,2u_2,2u_3)",
                r"u=f_1(1,2)=(0,4,2) &\Rightarrow (2u_1,2u_2,2u_3)=(0,8,4)",
            ),
            claim=Claim(r"\begin{bmatrix} 1 & 1 & 1 \\ 0 & 8 & 4 \end{bmatrix}",
                        lambda: np.array([[1, 1, 1], [0, 8, 4]]), section="3"),
            wrong=(Wrong("J_f2 at (1, 2, 0) instead", lambda: np.array([[1, 1, 1], [2, 4, 0]])),),
        ),
        Equation(
            name="jacobian-at-point",
            asks=r"$\partial f/\partial x$ at $(1,2)^T$",
            lhs=at_point(chain_rule),
            rhs=lambda: np.array([[6, 6], [40, 36]]),
            answer_latex=(r"\begin{bmatrix}1&1&1\\0&8&4\end{bmatrix}\begin{bmatrix}0&1\\4&4\\"
                          r"2&1\end{bmatrix}=\begin{bmatrix}6&6\\40&36\end{bmatrix}"),
            derivation=(
                r"\text{row 1} &: (1\cdot0+1\cdot4+1\cdot2,\ 1\cdot1+1\cdot4+1\cdot1)=(6,\ 6)",
                r"\text{row 2} &: (0\cdot0+8\cdot4+4\cdot2,\ 0\cdot1+8\cdot4+4\cdot1)=(40,\ 36)",
            ),
            notes="lhs multiplies the Jacobians proved in parts jacobian-f1/-f2/-f, at (1, 2).",
            claim=Claim(r"\begin{bmatrix} 1 & 1 & 1 \\ 0 & 8 & 4 \end{bmatrix} \cdot "
                        r"\begin{bmatrix} 0 & 1 \\ 4 & 4 \\ 2 & 1 \end{bmatrix} = "
                        r"\begin{bmatrix} 4 & 6 \\ 32 & 36 \end{bmatrix}",
                        lambda: np.array([[4, 6], [32, 36]]), section="3"),
            wrong=(Wrong("the seed's product", lambda: np.array([[4, 6], [32, 36]])),
                   Wrong("denominator layout (transposed)",
                         lambda: np.array([[6, 40], [6, 36]]))),
        ),
    ),
)
