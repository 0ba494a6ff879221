"""Seed 002 §3: the Jacobian of f2 ∘ f1 by the chain rule, and its value at (1, 2)."""

import numpy as np

from derivekit.model import Claim, Derivative, Equation, Given, Problem, Source, Wrong

F2 = "[{u}_1 + {u}_2 + {u}_3; {u}_1^2 + {u}_2^2 + {u}_3^2]"
"""f2 of a column named ``u`` (f2(u), and f2(f1) for the composite)."""
J_F1 = "[0, cos(pi * x_2); exp(x_1 - 1) * x_2^2, 2 * exp(x_1 - 1) * x_2; x_2, x_1]"
"""The seed's J_f1: rows are the outputs of f1, columns x1, x2 (numerator layout)."""

X1, X2 = 1.0, 2.0
F1_AT = np.array([[np.sin(np.pi * X2) / np.pi], [np.exp(X1 - 1) * X2**2], [X1 * X2]])
J_F1_AT = np.array([[0, np.cos(np.pi * X2)], [np.exp(X1 - 1) * X2**2, 2 * np.exp(X1 - 1) * X2],
                    [X2, X1]])
J_F2_AT_F1 = np.vstack([np.ones((1, 3)), 2 * F1_AT.T])
"""f1, J_f1 and J_f2(f1) evaluated at x = (1, 2) in float64 (the entries are small integers)."""


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
    givens=(Given("x", (2, 1)), Given("u", (3, 1)),
            Given("f1", (3, 1), latex="f_1",
                  definition="[sin(pi * x_2) / pi; exp(x_1 - 1) * x_2^2; x_1 * x_2]"),
            Given("J_f1", (3, 2), latex="J_{f_1}", description="the Jacobian of f1 at x",
                  definition=J_F1),
            Given("J_f2", (2, 3), latex="J_{f_2}", description="the Jacobian of f2 at u = f1(x)",
                  definition="[ones(1, 3); 2 * f1.T]")),
    parts=(
        Derivative(
            name="jacobian-f1",
            asks=r"$J_{f_1}(x)$",
            expression="f1", wrt="x", layout="numerator",
            answer_latex=(r"\begin{bmatrix}0&\cos(\pi x_2)\\e^{x_1-1}x_2^2&2e^{x_1-1}x_2\\"
                          r"x_2&x_1\end{bmatrix}"),
            derivation=(
                r"\frac{\partial}{\partial x}\Big(\tfrac1\pi\sin(\pi x_2)\Big) &= \big(0,\ "
                r"\cos(\pi x_2)\big)",
                r"\frac{\partial}{\partial x}\big(e^{x_1-1}x_2^2\big) &= \big(e^{x_1-1}x_2^2,\ "
                r"2e^{x_1-1}x_2\big)",
                r"\frac{\partial}{\partial x}(x_1x_2) &= (x_2,\ x_1)",
            ),
            claim=Claim(r"J_{f_1} = \begin{bmatrix} 0 & \cos(\pi x_2) \\ e^{x_1-1} x_2^2 & "
                        r"2e^{x_1-1} x_2 \\ x_2 & x_1 \end{bmatrix}", J_F1, section="3"),
            wrong=(Wrong("forgot the 1/π: π cos(π x2)",
                         J_F1.replace("cos(pi * x_2)", "pi * cos(pi * x_2)")),),
        ),
        Derivative(
            name="jacobian-f2",
            asks=r"$J_{f_2}(u)$",
            expression=F2.format(u="u"), wrt="u", layout="numerator",
            answer_latex=r"\begin{bmatrix}1&1&1\\2u_1&2u_2&2u_3\end{bmatrix}",
            derivation=(
                r"\frac{\partial}{\partial u}(u_1+u_2+u_3) &= (1,\ 1,\ 1)",
                r"\frac{\partial}{\partial u}(u_1^2+u_2^2+u_3^2) &= (2u_1,\ 2u_2,\ 2u_3)",
            ),
            claim=Claim(r"J_{f_2} = \begin{bmatrix} 1 & 1 & 1 \\ 2x_1 & 2x_2 & 2x_3 "
                        r"\end{bmatrix}", "[ones(1, 3); 2 * u.T]", section="3"),
            wrong=(Wrong("second row u instead of 2u", "[ones(1, 3); u.T]"),),
        ),
        Derivative(
            name="jacobian-f",
            asks=r"$J_f(x)$ by the chain rule",
            expression=F2.format(u="f1"), wrt="x", layout="numerator",
            answer_latex=r"J_{f_2}J_{f_1}\quad(J_{f_2}\text{ at }u=f_1(x),\ J_{f_1}\text{ at }x)",
            derivation=(
                r"\frac{\partial f_i}{\partial x_j} &= \textstyle\sum_k \frac{\partial "
                r"f_{2,i}}{\partial u_k}\Big|_{u=f_1(x)} \frac{\partial f_{1,k}}{\partial x_j}",
                r"J_f(x) &= J_{f_2}\big(f_1(x)\big)\,J_{f_1}(x)\quad (2\times3)(3\times2)",
            ),
            claim=Claim(r"J_f = J_{f_2}(f_1(x)) \cdot J_{f_1}(x)",
                        f"[ones(1, 3); 2 * f1.T] @ {J_F1}", section="3"),
            wrong=(Wrong("J_f2 evaluated at x's entries padded, not at f1(x)",
                         f"[ones(1, 3); 2 * [x; 0].T] @ {J_F1}"),),
        ),
        Equation(
            name="jacobian-f1-at-point",
            asks=r"$J_{f_1}(1,2)$",
            lhs=lambda: J_F1_AT,
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
            lhs=lambda: F1_AT,
            rhs=lambda: np.array([[0], [4], [2]]),
            answer_latex=r"(0,4,2)^T",
            derivation=(
                r"f_1(1,2) &= \big(\tfrac1\pi\sin2\pi,\ e^{0}\cdot2^2,\ 1\cdot2\big)^T=(0,4,2)^T",
            ),
            claim=Claim(r"\begin{bmatrix} 0 \\ 4 \\ 2 \end{bmatrix}",
                        lambda: np.array([[0], [4], [2]]), section="3"),
            wrong=(Wrong("sin(2π)/π taken as 1/π", lambda: np.array([[1 / np.pi], [4], [2]])),),
        ),
        Equation(
            name="jacobian-f2-at-f1",
            asks=r"$J_{f_2}$ at $f_1(1,2)$",
            lhs=lambda: J_F2_AT_F1,
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
            lhs=lambda: J_F2_AT_F1 @ J_F1_AT,
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
