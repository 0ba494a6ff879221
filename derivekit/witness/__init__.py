"""Numeric side, independent of the derivation: JAX float64 autodiff, central finite
differences, Monte-Carlo estimates and iterated maps, each compared with a stated tolerance."""
