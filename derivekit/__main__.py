"""``python -m derivekit`` runs the CLI."""

from derivekit.cli import run

run()
