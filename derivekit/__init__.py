"""derivekit: deep-learning derivations stated in SymPy and proved with JAX autodiff.

Pipeline: a problem file (:mod:`derivekit.model`) states givens and parts; the checks
(:mod:`derivekit.checks`) derive each part symbolically (:mod:`derivekit.derivation`) and witness
it numerically (:mod:`derivekit.witness`); :mod:`derivekit.verify` returns plain-data
verdicts (:mod:`derivekit.verdict`) that the CLI and other front ends format.

Importing this package is cheap: heavy libraries load only when a check runs.
"""

__version__ = "0.1.0"
