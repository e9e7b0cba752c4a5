"""The real Sonar schema, built once per session (it takes a few seconds)."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import GraphQLSchema, build_schema


@pytest.fixture(scope="session")
def real_sonar_sdl(reference_dir: Path) -> str:
    return (reference_dir / "sonar_schema.graphql").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def real_sonar_schema(real_sonar_sdl: str) -> GraphQLSchema:
    return build_schema(real_sonar_sdl)
