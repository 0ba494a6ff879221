"""Shared fixtures: the catalog, loaded once per session."""

from __future__ import annotations

import jax
import pytest

from derivekit import registry

jax.config.update("jax_enable_x64", True)  # as the witnesses do; tests may import jax first


def catalog_parts() -> list[tuple[str, str]]:
    return [(p.id, part.name) for p in registry.catalog().values() for part in p.parts]


@pytest.fixture(scope="session")
def catalog():
    return registry.catalog()


pytest_plugins = ["pytester"]  # tests/test_pytest_plugin.py runs pytest on scratch projects
