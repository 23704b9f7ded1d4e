"""Browser tests reuse the run tests' demo project (a git repository and its parsed manifest)."""

from tests.runs.conftest import demo

__all__ = ["demo"]
