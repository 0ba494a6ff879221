"""Fixed-seed Monte-Carlo estimates of an expectation over Gaussian noise givens.

The tolerance is K_SE standard errors of the estimate: a correct closed form passes with
overwhelming probability, and a wrong one is rejected when its error exceeds that band.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

import numpy as np

from derivekit.model import Given
from derivekit.points import concrete
from derivekit.witness.autodiff import batched

K_SE = 5.0


def estimate(fn: Callable, values: Mapping[str, Any], noise: Sequence[Given],
             dims: Mapping[str, int], samples: int, rng: np.random.Generator
             ) -> tuple[float, float]:
    """Sample mean of fn over the noise, and its standard error."""
    draws = {
        g.name: float(values[g.domain.scale]) * rng.normal(size=(samples, *concrete(g.shape, dims)))
        for g in noise
    }
    out = batched(fn, draws, fixed=values)
    return float(out.mean()), float(out.std(ddof=1) / np.sqrt(samples))
