"""Derivative cases derivekit did not write, and the judge that checks them against JAX."""
