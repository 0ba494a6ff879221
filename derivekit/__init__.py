"""derivekit: deep-learning derivations stated in SymPy and proved with JAX autodiff.

Pipeline: a problem file (:mod:`derivekit.model`) states givens and parts; the checks
(:mod:`derivekit.checks`) derive each part symbolically (:mod:`derivekit.derivation`) and witness
it numerically (:mod:`derivekit.witness`); :mod:`derivekit.verify` returns plain-data
verdicts (:mod:`derivekit.verdict`) that the CLI and other front ends format.

Importing this package is cheap: heavy libraries load only when a check runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Mapping

from derivekit import display

if TYPE_CHECKING:
    from derivekit.derivation.verified import Derived

__version__ = "0.1.0"
__all__ = ["derive", "__version__"]

display.renderers_in("derivekit.sheet.notebook")  # imported on the first Jupyter display


def derive(expression: str, wrt: str, givens: Mapping[str, Any] | Iterable[str], *,
           layout: str = "denominator", lets: Mapping[str, str] | Iterable[str] = (),
           seed: int = 0) -> Derived:
    """d(expression)/d(wrt) by matrix differentials, witnessed before it is shown.

    ``expression`` is in the notation of ``derivekit derive`` (``"log(det(X))"``);
    ``givens`` maps each name to its shape, as ``derivekit derive --given`` writes it
    (``{"X": "n,n", "lam": "scalar:positive"}``) or as a tuple (``{"x": ("n",)}``, a
    column), or is a list of ``"NAME:SHAPE[:DOMAIN]"``. ``lets`` names intermediates
    (``{"z": "W@x + b"}``). The result's ``verified`` says whether JAX float64 autodiff and
    finite differences agreed; in Jupyter it shows its formula (only when verified) and its
    witness table.
    """
    from derivekit.derivation import verified
    from derivekit.errors import DerivekitError

    specs = [f"{name}:{_shape_spec(shape)}" for name, shape in givens.items()] if isinstance(
        givens, Mapping) else list(givens)
    parsed = [verified.parse_given(spec) for spec in specs]
    if len({name for name, _, _ in parsed}) != len(parsed):
        raise DerivekitError("a name is given twice")
    items = [f"{name}={text}" for name, text in lets.items()] if isinstance(
        lets, Mapping) else list(lets)
    return verified.derive(expression, wrt, {n: s for n, s, _ in parsed}, layout, seed,
                           {n: d for n, _, d in parsed if d is not None},
                           [verified.parse_let(item) for item in items])


def _shape_spec(shape: Any) -> str:
    """A shape as ``--given`` spells it: "n,n" as is, () as "scalar", ("m", "n") as "m,n"."""
    if isinstance(shape, str):
        return shape
    return ",".join(map(str, shape)) if tuple(shape) else "scalar"
