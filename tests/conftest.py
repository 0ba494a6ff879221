"""Shared fixtures: the catalog, loaded once per session."""

from __future__ import annotations

import pytest

from derivekit import registry


def catalog_parts() -> list[tuple[str, str]]:
    return [(p.id, part.name) for p in registry.catalog().values() for part in p.parts]


@pytest.fixture(scope="session")
def catalog():
    return registry.catalog()
