"""Jupyter display of problems, verdicts, graded answers and derivations.

Importing this module registers the sheet writers as the renderers of those classes
(:mod:`derivekit.display`); ``derivekit/__init__.py`` names it to be imported on the first
display, so the data classes never import their writers.
"""

from __future__ import annotations

from derivekit import display
from derivekit.derivation.verified import Derived
from derivekit.grade import Feedback
from derivekit.model import Problem
from derivekit.sheet import html, latex, markdown
from derivekit.verdict import PartVerdict, ProblemVerdict

display.register(Problem, "html", html.problem_html)
display.register(Problem, "latex", latex.problem_latex)
display.register(Problem, "markdown", markdown.problem_markdown)
display.register(ProblemVerdict, "html", html.verdict_html)
display.register(ProblemVerdict, "latex", latex.verdict_latex)
display.register(PartVerdict, "html", html.part_verdict_html)
display.register(Feedback, "html", html.feedback_html)
display.register(Feedback, "latex", latex.feedback_latex)
display.register(Derived, "html", html.derived_html)
display.register(Derived, "latex", latex.derived_latex)
