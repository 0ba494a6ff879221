"""Seed 004 §3.1: a 3x3 filter on a 5x5 image with zero padding, and what it detects."""

import numpy as np

from derivekit.model import POSITIVE, Claim, Equation, Given, Problem, Source, Wrong

IMAGE = np.array([[0, 0, 0, 0, 0],
                  [0, 0, 1, 1, 1],
                  [1, 1, 1, 1, 0],
                  [0, 1, 1, 1, 0],
                  [0, 0, 1, 0, 0]])
FILTER = np.array([[0, -1, 0],
                   [-1, 5, -1],
                   [0, -1, 0]])
IDENTITY = np.array([[0, 0, 0],
                     [0, 1, 0],
                     [0, 0, 0]])

OUTPUT = np.array([[0, 0, -1, -1, -1],
                   [-1, -2, 3, 2, 4],
                   [4, 2, 1, 2, -2],
                   [-2, 3, 1, 3, -1],
                   [0, -2, 4, -2, 0]])


def convolve_same(image, kernel):
    """Lecture convolution (kernel flipped), zero padding so the output is 5x5: explicit loops."""
    rows, cols = image.shape
    out = np.zeros((rows, cols), dtype=int)
    for i in range(rows):
        for j in range(cols):
            acc = 0
            for a in range(-1, 2):
                for b in range(-1, 2):
                    r, c = i - a, j - b
                    if 0 <= r < rows and 0 <= c < cols:
                        acc += int(image[r, c]) * int(kernel[a + 1, b + 1])
            out[i, j] = acc
    return out


def flat_response(level, kernel):
    """The filter on a constant patch: sum over the 3x3 window of kernel * level."""
    acc = 0 * level
    for a in range(3):
        for b in range(3):
            acc = acc + int(kernel[a, b]) * level
    return acc


PROBLEM = Problem(
    id="sharpen-filter-5x5",
    title="Convolving a 5x5 image with the filter [[0,-1,0],[-1,5,-1],[0,-1,0]]",
    source=Source("004_19698b34fe55bc49.txt", "3.1"),
    statement=(
        r"Compute $I*J$ for $I=\begin{bmatrix}0&0&0&0&0\\0&0&1&1&1\\1&1&1&1&0\\0&1&1&1&0\\"
        r"0&0&1&0&0\end{bmatrix}$ and $J=\begin{bmatrix}0&-1&0\\-1&5&-1\\0&-1&0\end{bmatrix}$ "
        r"with zero padding (output $5\times5$). What feature does the filter detect?"
    ),
    givens=(Given("level", (), POSITIVE, "c", "intensity of a flat image region"),),
    parts=(
        Equation(
            name="convolution-output",
            derivation=(
                r"(I*J)_{ij} &= 5I_{ij}-I_{i-1,j}-I_{i+1,j}-I_{i,j-1}-I_{i,j+1}\quad(\text{zero "
                r"outside the image})",
                r"(I*J)_{1,3} &= 5\cdot0-(0+1+0+0) = -1,\qquad (I*J)_{2,3} = 5\cdot1-(0+1+0+1) = 3",
                r"(I*J)_{2,5} &= 5\cdot1-(0+0+1+0) = 4,\qquad (I*J)_{3,1} = 5\cdot1-(0+0+0+1) = 4",
                r"(I*J)_{3,3} &= 5\cdot1-(1+1+1+1) = 1,\qquad (I*J)_{5,3} = 5\cdot1-(1+0+0+0) = 4",
            ),
            asks=r"$I*J$ (same size, zero padding)",
            lhs=lambda: convolve_same(IMAGE, FILTER),
            rhs=lambda: OUTPUT,
            answer_latex=r"\begin{bmatrix}0&0&-1&-1&-1\\-1&-2&3&2&4\\4&2&1&2&-2\\-2&3&1&3&-1\\"
                         r"0&-2&4&-2&0\end{bmatrix}",
            notes="J is symmetric under a 180-degree turn, so convolution and cross-correlation "
                  "agree here.",
            claim=Claim(r"I * J = \begin{bmatrix} 0 & 0 & -1 & -1 & -1 \\ -1 & -2 & 3 & 2 & 4 \\ "
                        r"4 & 2 & 1 & 2 & -2 \\ -2 & 3 & 1 & 3 & -1 \\ 0 & -2 & 4 & -2 & 0 "
                        r"\end{bmatrix}", lambda: OUTPUT, section="3.1"),
            wrong=(Wrong("Laplacian only (centre 4): the edges without the image",
                         lambda: OUTPUT - IMAGE),
                   Wrong("border pixels left out (valid part padded with zeros)",
                         lambda: OUTPUT * np.pad(np.ones((3, 3), dtype=int), 1))),
        ),
        Equation(
            name="flat-region-response",
            derivation=(
                r"\textstyle\sum_{a,b}J_{ab}\,c &= (5-1-1-1-1)\,c = c",
                r"J &= \delta+L,\quad L=\begin{bmatrix}0&-1&0\\-1&4&-1\\0&-1&0\end{bmatrix},\ "
                r"\textstyle\sum L=0 \;\Rightarrow\; \text{flat region: } c+0=c",
            ),
            asks=r"Response of $J$ inside a flat region of intensity $c$",
            lhs=lambda level: flat_response(level, FILTER),
            rhs=lambda level: level,
            answer_latex=r"c\ (\textstyle\sum J=1:\ J=\delta+(-\nabla^2),\ \text{the image plus "
                         r"its Laplacian edges: a sharpening filter})",
            wrong=(Wrong("an edge detector's zero response", lambda level: 0 * level),),
        ),
        Equation(
            name="edge-component-response",
            derivation=(
                r"J-\delta &= \begin{bmatrix}0&-1&0\\-1&4&-1\\0&-1&0\end{bmatrix},\qquad "
                r"\text{window columns: } c,\ c,\ 0",
                r"\text{response} &= (0-1+0)\,c+(-1+4-1)\,c+(0-1+0)\cdot0 = -c+2c = c",
            ),
            asks=r"Response of $J-\delta$ (the Laplacian part) at a vertical step edge, on the "
                 r"bright side ($c$ left of the edge, 0 right)",
            lhs=lambda level: sum(
                int((FILTER - IDENTITY)[a, b]) * (level if b < 2 else 0 * level)
                for a in range(3) for b in range(3)),
            rhs=lambda level: level,
            answer_latex=r"c\ (\text{0 on flat regions, non-zero at edges})",
            wrong=(Wrong("no response at the edge", lambda level: 0 * level),),
        ),
    ),
    prose=(
        Claim("Detect Edges", lambda level: 0 * level, section="3.1",
              judged_by="flat-region-response",
              reason="an edge detector's response: 0 where the image is flat",
              holds_in="edge-component-response", holds_value=lambda level: level,
              condition="read for the Laplacian part J - delta alone (it responds at edges); "
                        "J adds the image back (its weights sum to 1), so it sharpens edges "
                        "on top of the image rather than detecting them"),
    ),
)
