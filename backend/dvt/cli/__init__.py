"""The `dvt` command. Each module registers its commands on the one Typer app."""

from __future__ import annotations

import logging

from dvt.cli import access, audit, graph, jobs, login, plans, runs, secrets, server, tenancy  # noqa: F401  (registers their commands)
from dvt.cli.common import app


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()
