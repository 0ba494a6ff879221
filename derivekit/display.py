"""Rich display (Jupyter) for plain-data classes, without tying the data layer to its writers.

Problems, verdicts, grading feedback and derivations inherit :class:`Displayable`: Jupyter
calls its ``_repr_html_`` / ``_repr_latex_`` / ``_repr_markdown_``, which look up a renderer
registered for the object's class. The renderers live with the sheet writers
(:mod:`derivekit.sheet.notebook`) and register themselves when that module is imported; the
package's ``__init__`` names it with :func:`renderers_in`, and it is imported on the first
display. So a data module imports nothing above it, not even lazily.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable, Literal

Format = Literal["html", "latex", "markdown"]
Renderer = Callable[[Any], str]

_RENDERERS: dict[tuple[type, str], Renderer] = {}
_PENDING: list[str] = []
"""Modules that register renderers, not imported yet."""


def register(kind: type, fmt: Format, render: Renderer) -> None:
    """Show instances of ``kind`` (and its subclasses) in format ``fmt`` with ``render``."""
    _RENDERERS[kind, fmt] = render


def renderers_in(module: str) -> None:
    """Import ``module`` (which calls :func:`register`) on the first display, not now."""
    if module not in _PENDING:
        _PENDING.append(module)


def render(obj: Any, fmt: Format) -> str | None:
    """``obj`` in ``fmt``, or None when no renderer knows its class (Jupyter then uses the
    next format)."""
    while _PENDING:
        importlib.import_module(_PENDING.pop(0))
    for kind in type(obj).__mro__:
        renderer = _RENDERERS.get((kind, fmt))
        if renderer is not None:
            return renderer(obj)
    return None


class Displayable:
    """Mixin: Jupyter's rich-display methods, answered by the registered renderers."""

    __slots__ = ()

    def _repr_html_(self) -> str | None:
        return render(self, "html")

    def _repr_latex_(self) -> str | None:
        return render(self, "latex")

    def _repr_markdown_(self) -> str | None:
        return render(self, "markdown")
