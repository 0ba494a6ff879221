"""Central finite differences in NumPy: a second witness that shares no code with autodiff.

Step h = 1e-6 * max(1, |x_i|) per entry: truncation O(h^2) and rounding O(eps/h) both stay
near 1e-10 relative, so the stated tolerance (rtol 1e-5, atol 1e-6) has a wide margin.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

import numpy as np

from derivekit.points import call

RTOL = 1e-5
ATOL = 1e-6


def jacobian(fn: Callable, wrt: str, values: Mapping[str, Any]) -> np.ndarray:
    """d fn / d wrt at one point, shape (*out_shape, *wrt_shape)."""
    x = np.asarray(values[wrt], dtype=float)
    columns = []
    for index in np.ndindex(x.shape):
        h = 1e-6 * max(1.0, abs(float(x[index])))
        up, down = x.copy(), x.copy()
        up[index] += h
        down[index] -= h
        f_up = np.asarray(call(fn, {**values, wrt: up}), dtype=float)
        f_down = np.asarray(call(fn, {**values, wrt: down}), dtype=float)
        columns.append((f_up - f_down) / (2 * h))
    out = np.stack(columns, axis=-1)
    out_shape = out.shape[:-1] if out[..., 0].size > 1 else ()
    return out.reshape(out_shape + x.shape)
