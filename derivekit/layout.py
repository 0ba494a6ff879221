"""Arrange a full derivative tensor (output dims, then input dims) in a stated layout.

denominator: a scalar's gradient has the variable's shape; the Jacobian of a vector
    f: R^p -> R^n is p x n (row i holds the derivatives with respect to x_i).
numerator: the transpose of that: a row-vector gradient, an n x p Jacobian.
A matrix by a scalar is the matrix of entry-wise derivatives in either layout.
"""

from __future__ import annotations

import numpy as np


def arrange(tensor: np.ndarray, out_shape: tuple[int, ...], in_shape: tuple[int, ...],
            layout: str) -> np.ndarray:
    tensor = np.asarray(tensor)
    if int(np.prod(in_shape)) == 1 and len(out_shape) == 2 and 1 not in out_shape:
        return tensor.reshape(out_shape)  # a matrix by a scalar: entry by entry
    if int(np.prod(out_shape)) == 1:
        grad = tensor.reshape(in_shape)
        return grad if layout == "denominator" or grad.ndim < 2 else grad.T
    jac = tensor.reshape(int(np.prod(out_shape)), int(np.prod(in_shape)))
    return jac.T if layout == "denominator" else jac


def kind_of(out_shape: tuple[int, ...]) -> str:
    """'gradient' for a scalar function, 'jacobian' for a vector one."""
    return "gradient" if int(np.prod(out_shape)) == 1 else "jacobian"
