"""Seed 002 §6: conv -> 2x2 max-pool -> MSE on a 6x6 input, backprop and one step on F."""

import numpy as np

from derivekit.model import Claim, Equation, Problem, Source, Wrong

X = np.array([[1, 7, -1, -7, 10, 11], [2, 8, 0, 0, 12, 13], [3, 9, 0, 0, 0, 0],
              [4, 10, -4, -10, 0, 0], [5, 11, -5, -11, 16, 17], [6, 12, -6, -12, 14, 15]],
             dtype=float)
F = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], dtype=float)
TARGET = np.eye(3)
RATE = 0.0005
STEP = 1e-3
"""Finite-difference step: the loss is quadratic near the point, so central differences
are exact up to rounding."""


def conv(x, f):
    """O_ij = Σ_mn x_{i+m, j+n} f_mn (valid cross-correlation, as in the seed), by loops."""
    rows, cols = x.shape[0] - f.shape[0] + 1, x.shape[1] - f.shape[1] + 1
    return np.array([[np.sum(x[i:i + f.shape[0], j:j + f.shape[1]] * f) for j in range(cols)]
                     for i in range(rows)])


def maxpool(o):
    """2x2 windows, stride 1 (the only pooling that maps the 4x4 O to the 3x3 M)."""
    return np.array([[o[i:i + 2, j:j + 2].max() for j in range(o.shape[1] - 1)]
                     for i in range(o.shape[0] - 1)])


def mse(m):
    return np.mean((m - TARGET) ** 2)


def numeric_gradient(fn, at):
    """Central finite differences of the scalar ``fn`` at every entry of ``at``."""
    grad = np.zeros_like(at)
    for index in np.ndindex(at.shape):
        step = np.zeros_like(at)
        step[index] = STEP
        grad[index] = (fn(at + step) - fn(at - step)) / (2 * STEP)
    return grad


def grad_F():
    return numeric_gradient(lambda f: mse(maxpool(conv(X, f))), F)


def grad_O_table():
    """The seed's ∂L/∂O in units of 2/9 (M - L̂ routed to each window's arg-max)."""
    return np.array([[0, 0, 0, 0], [0, 91, -32, 0], [0, 141, -30, 0], [0, 176, 0, 0]])


def matrix(*rows):
    return lambda: np.array(rows, dtype=float)


O_TRUE = ((9, 39, -35, -44), (16, 46, -16, -23), (29, 71, -29, -48), (40, 88, -66, -93))
M_TRUE = ((46, 46, -16), (71, 71, -16), (88, 88, -29))
A_TRUE = ((417.44, -78.22, -238.22), (476.11, -127.11, -371.78), (539.00, -163.89, -561.44))
F_NEW = ((0.58, 0.08, -0.76), (1.52, 0.13, -1.63), (0.46, 0.16, -0.44))

PROBLEM = Problem(
    id="cnn-maxpool-mse-example",
    title="Backpropagation in a CNN by hand: convolution, max-pooling, MSE",
    source=Source("002_a2d52afd229cfba6.txt", "6"),
    statement=(
        r"$O=X*F$ (valid cross-correlation) for the seed's $6\times6$ $X$ and the Sobel-like "
        r"$F=\begin{bmatrix}1&0&-1\\2&0&-2\\1&0&-1\end{bmatrix}$, then $M=$ max-pool$(O)$ with "
        r"$2\times2$ windows and stride 1, loss $L=\frac19\sum(M-\hat L)^2$ with $\hat L=I_3$. "
        r"Backpropagate to $F$ and update it with $\eta=0.0005$. Gradients are checked against "
        r"central finite differences of the whole forward pass."
    ),
    givens=(),
    parts=(
        Equation(
            name="conv-output",
            asks=r"$O=X*F$",
            lhs=lambda: conv(X, F),
            rhs=matrix(*O_TRUE),
            answer_latex=(r"\begin{bmatrix}9&39&-35&-44\\16&46&-16&-23\\29&71&-29&-48\\"
                          r"40&88&-66&-93\end{bmatrix}"),
            derivation=(
                r"O_{ij} &= (X_{i,j}+2X_{i+1,j}+X_{i+2,j})-(X_{i,j+2}+2X_{i+1,j+2}+X_{i+2,j+2})",
                r"O_{00} &= (1+2\cdot2+3)-(-1+2\cdot0+0) = 9",
                r"O_{11} &= (8+2\cdot9+10)-(0+2\cdot0-10) = 46",
            ),
            claim=Claim(r"O = \begin{bmatrix} 9 & 39 & -35 & -44 \\ 16 & 46 & -16 & -23 \\ 29 & "
                        r"71 & -29 & -48 \\ 40 & 88 & -66 & -93 \end{bmatrix}", matrix(*O_TRUE),
                        section="6"),
            wrong=(Wrong("true convolution (F flipped): every sign changes",
                         lambda: conv(X, F[::-1, ::-1])),),
        ),
        Equation(
            name="maxpool",
            asks=r"$M$ = max-pool$(O)$, $2\times2$, stride 1",
            lhs=lambda: maxpool(conv(X, F)),
            rhs=matrix(*M_TRUE),
            answer_latex=r"\begin{bmatrix}46&46&-16\\71&71&-16\\88&88&-29\end{bmatrix}",
            derivation=(
                r"M_{ij} &= \max(O_{i,j},\ O_{i,j+1},\ O_{i+1,j},\ O_{i+1,j+1})",
                r"M_{00} &= \max(9,39,16,46)=46,\quad M_{02}=\max(-35,-44,-16,-23)=-16",
                r"M_{22} &= \max(-29,-48,-66,-93)=-29",
            ),
            claim=Claim(r"M = \begin{bmatrix} 46 & 46 & -16 \\ 71 & 71 & -16 \\ 88 & 88 & -29 "
                        r"\end{bmatrix}", matrix(*M_TRUE), section="6"),
            wrong=(Wrong("min-pooling", lambda: -maxpool(-conv(X, F))),),
        ),
        Equation(
            name="sum-of-squares",
            asks=r"$\sum_{ij}(M-\hat L)_{ij}^2$, the numerator of the MSE",
            lhs=lambda: np.sum((maxpool(conv(X, F)) - TARGET) ** 2),
            rhs=lambda: 45**2 + 46**2 + 16**2 + 71**2 + 70**2 + 16**2 + 88**2 + 88**2 + 30**2,
            answer_latex=r"45^2+46^2+16^2+71^2+70^2+16^2+88^2+88^2+30^2=30982",
            derivation=(
                r"M-\hat L &= \text{rows } (45,46,-16),\ (71,70,-16),\ (88,88,-30)",
                r"\textstyle\sum &= 2025+2116+256+5041+4900+256+7744+7744+900 = 30982",
            ),
            notes="The seed's written sum subtracts the targets in the wrong places and drops "
                  "the (-29 - 1)^2 term; it evaluates to 30032 (MSE 3336.89), not the 3442.44 "
                  "it states.",
            claim=Claim(r"(46-0)^2 + (46-0)^2 + (-16-0)^2 + (71-1)^2 + (71-1)^2 + (-16-0)^2 + "
                        r"(88-0)^2 + (88-0)^2",
                        lambda: 46**2 + 46**2 + 16**2 + 70**2 + 70**2 + 16**2 + 88**2 + 88**2,
                        section="6"),
            wrong=(Wrong("the (-29 - 1)^2 term dropped", lambda: 30982 - 30**2),),
        ),
        Equation(
            name="mse",
            asks=r"$L=\mathrm{MSE}(M,\hat L)$, to 2 decimals",
            lhs=lambda: np.round(mse(maxpool(conv(X, F))), 2),
            rhs=lambda: 3442.44,
            answer_latex=r"30982/9\approx3442.44",
            derivation=(
                r"L &= \tfrac19\textstyle\sum_{ij}(M-\hat L)_{ij}^2 = \tfrac{30982}{9} \approx "
                r"3442.44",
            ),
            claim=Claim(r"\text{MSE}_{\text{Loss}} = 3442.44", lambda: 3442.44, section="6"),
            wrong=(Wrong("the seed's written sum / 9", lambda: 3336.89),),
        ),
        Equation(
            name="grad-M",
            asks=r"$\partial L/\partial M$",
            lhs=lambda: numeric_gradient(mse, maxpool(conv(X, F))),
            rhs=lambda: 2 / 9 * np.array([[45, 46, -16], [71, 70, -16], [88, 88, -30]]),
            answer_latex=(r"\tfrac29(M-\hat L)=\tfrac29\begin{bmatrix}45&46&-16\\71&70&-16\\"
                          r"88&88&-30\end{bmatrix}"),
            derivation=(
                r"L &= \tfrac19\textstyle\sum_{ij}(M_{ij}-\hat L_{ij})^2",
                r"\frac{\partial L}{\partial M_{ij}} &= \tfrac29(M_{ij}-\hat L_{ij})",
            ),
            claim=Claim(r"\frac{\partial L}{\partial M} = \frac{2}{9} (M - \hat{L}) = \frac{1}{9}"
                        r" \begin{bmatrix} 45 & 46 & -16 \\ 71 & 70 & -16 \\ 88 & 88 & -30 "
                        r"\end{bmatrix} \times 2",
                        lambda: 2 / 9 * np.array([[45, 46, -16], [71, 70, -16], [88, 88, -30]]),
                        section="6"),
            wrong=(Wrong("target not subtracted: 2M/9", lambda: 2 / 9 * np.array(M_TRUE)),),
        ),
        Equation(
            name="grad-O",
            asks=r"$\partial L/\partial O$ (overlapping windows add their gradients)",
            lhs=lambda: numeric_gradient(lambda o: mse(maxpool(o)), conv(X, F)),
            rhs=lambda: 2 / 9 * grad_O_table(),
            answer_latex=(r"\tfrac29\begin{bmatrix}0&0&0&0\\0&91&-32&0\\0&141&-30&0\\"
                          r"0&176&0&0\end{bmatrix}"),
            derivation=(
                r"\frac{\partial L}{\partial O_{kl}} &= \textstyle\sum_{ij}\frac{\partial "
                r"L}{\partial M_{ij}}\,\mathbb 1[O_{kl} \text{ is the max of window } ij]",
                r"O_{11}=46 &\text{ wins } M_{00},M_{01} \to 45+46=91,\quad O_{12}=-16 \text{ "
                r"wins } M_{02},M_{12} \to -16-16=-32",
                r"O_{21}=71 &\text{ wins } M_{10},M_{11} \to 71+70=141,\quad O_{31}=88 \text{ "
                r"wins } M_{20},M_{21} \to 88+88=176",
                r"O_{22}=-29 &\text{ wins } M_{22} \to -30;\quad \text{every other } O_{kl} \to 0 "
                r"\quad(\text{units of }\tfrac29)",
            ),
            claim=Claim(r"\frac{\partial L}{\partial O} = \begin{bmatrix} 0 & 0 & 0 & 0 \\ 0 & "
                        r"91 & -32 & 0 \\ 0 & 141 & -30 & 0 \\ 0 & 176 & 0 & 0 \end{bmatrix} "
                        r"\times \frac{1}{9} \times 2", lambda: 2 / 9 * grad_O_table(),
                        section="6"),
            wrong=(Wrong("overlapping windows overwrite instead of adding (the later wins)",
                         lambda: 2 / 9 * (grad_O_table() + np.array(
                             [[0, 0, 0, 0], [0, -45, 16, 0], [0, -71, 0, 0], [0, -88, 0, 0]]))),),
        ),
        Equation(
            name="grad-F-operation",
            asks=r"$\partial L/\partial F$ as an operation on $X$ and $\partial L/\partial O$",
            lhs=grad_F,
            rhs=lambda: conv(X, 2 / 9 * grad_O_table()),
            answer_latex=r"X*\frac{\partial L}{\partial O}\ \text{(valid cross-correlation, §5)}",
            derivation=(
                r"O_{ij} &= \textstyle\sum_{mn}X_{i+m,j+n}F_{mn} \Rightarrow \frac{\partial "
                r"O_{ij}}{\partial F_{mn}}=X_{i+m,j+n}",
                r"\frac{\partial L}{\partial F_{mn}} &= \textstyle\sum_{ij}\frac{\partial "
                r"L}{\partial O_{ij}}X_{i+m,j+n} = \Big(X*\frac{\partial L}{\partial O}\Big)_{mn}",
            ),
            claim=Claim(r"\frac{\partial L}{\partial F} = X^T \times \frac{\partial L}{\partial O}",
                        lambda: X.T @ (2 / 9 * grad_O_table()), section="6"),
            wrong=(Wrong("true convolution (∂L/∂O flipped)",
                         lambda: conv(X, 2 / 9 * grad_O_table()[::-1, ::-1])),),
        ),
        Equation(
            name="grad-F",
            asks=r"$\partial L/\partial F$, written as $2A$ like the seed: $A$ to 2 decimals",
            lhs=lambda: np.round(grad_F() / 2, 2),
            rhs=matrix(*A_TRUE),
            answer_latex=(r"A=\begin{bmatrix}417.44&-78.22&-238.22\\476.11&-127.11&-371.78\\"
                          r"539&-163.89&-561.44\end{bmatrix}\quad(\tfrac{\partial L}{\partial F}="
                          r"X*\tfrac{\partial L}{\partial O}=\tfrac29\begin{bmatrix}3757&-704&"
                          r"-2144\\4285&-1144&-3346\\4851&-1475&-5053\end{bmatrix}=2A)"),
            derivation=(
                r"\Big(\frac{\partial L}{\partial F}\Big)_{00} &= "
                r"\tfrac29(91\cdot8-32\cdot0+141\cdot9-30\cdot0+176\cdot10) = \tfrac29\cdot3757",
                r"\Big(\frac{\partial L}{\partial F}\Big)_{01} &= \tfrac29\big(176\cdot(-4)\big) "
                r"= \tfrac29\cdot(-704)\quad \text{(other } X \text{ entries are } 0)",
                r"A &= \tfrac12\frac{\partial L}{\partial F}:\quad "
                r"A_{00}=\tfrac{3757}{9}\approx417.44,\ A_{01}=-\tfrac{704}{9}\approx-78.22",
            ),
            notes="The numbers are the valid cross-correlation of X with ∂L/∂O (§5); the "
                  "seed's label X^T × ∂L/∂O is not a defined product (6x6 times 4x4): see part "
                  "grad-F-operation.",
            claim=Claim(r"\frac{\partial L}{\partial F} = \begin{bmatrix} 417.44 & -78.22 & "
                        r"-238.22 \\ 476.11 & -127.11 & -371.78 \\ 539 & -163.89 & -561.44 "
                        r"\end{bmatrix} \times 2", matrix(*A_TRUE), section="6"),
            wrong=(Wrong("true convolution (∂L/∂O flipped)", lambda: np.round(2 / 9 * conv(
                X, grad_O_table()[::-1, ::-1]) / 2, 2)),),
        ),
        Equation(
            name="updated-filter",
            asks=r"$F_{new}=F-\eta\,\partial L/\partial F$ with $\eta=0.0005$, to 2 decimals",
            lhs=lambda: np.round(F - RATE * grad_F(), 2),
            rhs=matrix(*F_NEW),
            answer_latex=(r"F-0.001A=\begin{bmatrix}0.58&0.08&-0.76\\1.52&0.13&-1.63\\"
                          r"0.46&0.16&-0.44\end{bmatrix}"),
            derivation=(
                r"F_{new} &= F-0.0005\cdot2A = F-0.001A",
                r"(F_{new})_{00} &= 1-0.41744\approx0.58,\quad (F_{new})_{10}=2-0.47611\approx1.52",
                r"(F_{new})_{22} &= -1+0.56144\approx-0.44",
            ),
            claim=Claim(r"F_{\text{new}} = \begin{bmatrix} 0.58 & 0.08 & -0.76 \\ 1.52 & 0.13 & "
                        r"-1.63 \\ 0.46 & 0.16 & -0.44 \end{bmatrix}", matrix(*F_NEW),
                        section="6"),
            wrong=(Wrong("gradient ascent (F + η ∂L/∂F)",
                         lambda: np.round(F + RATE * grad_F(), 2)),),
        ),
    ),
)
