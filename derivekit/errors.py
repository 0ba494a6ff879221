"""One error family for user mistakes; the CLI prints it as one line and exits 2.

Bugs are not DerivekitErrors: they keep their traceback.
"""

from __future__ import annotations


class DerivekitError(Exception):
    """A mistake the user can fix (bad id, bad flag, malformed problem file)."""


class UnknownProblemError(DerivekitError):
    """An id that is not in the registry; the message carries the closest ids."""


class ProblemDefinitionError(DerivekitError):
    """A problem file that does not state a valid problem."""
