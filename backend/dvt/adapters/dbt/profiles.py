"""The profiles.yml a run uses: connection settings from the environment, credentials only by reference.

The file names each credential as `{{ env_var('DBT_ENV_SECRET_...') }}`; its value reaches dbt only through
the subprocess environment. dbt itself scrubs `DBT_ENV_SECRET_` values from what it logs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from dvt.adapters.dbt.errors import ProfileError
from dvt.adapters.dbt.project import has_jinja, read_project

TARGET = "dvt"
DEFAULT_THREADS = 4
SECRET_PREFIX = "DBT_ENV_SECRET_"
_SECRET_NAME = re.compile(r"^DBT_ENV_SECRET_[A-Z0-9_]+$")
_PROFILE_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")

# The non-secret settings each adapter's profile takes from the environment; anything else is ignored.
_SETTINGS: dict[str, tuple[str, ...]] = {
    "duckdb": ("path", "schema", "database", "extensions", "settings"),
    "postgres": (
        "host", "port", "user", "dbname", "schema", "sslmode", "connect_timeout", "keepalives_idle",
        "search_path", "role", "retries",
    ),
    "snowflake": (
        "account", "user", "role", "warehouse", "database", "schema", "authenticator",
        "client_session_keep_alive", "connect_retries", "connect_timeout", "reuse_connections",
    ),
}  # fmt: skip
# The credentials each adapter may use; each comes from a secret, never from settings.
_CREDENTIALS: dict[str, tuple[str, ...]] = {
    "duckdb": (),
    "postgres": ("password",),
    "snowflake": ("password", "private_key", "private_key_passphrase", "token"),
}
_INTEGERS = ("port", "connect_timeout", "keepalives_idle", "retries", "connect_retries")


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    directory: Path  # for --profiles-dir
    target: str = TARGET


def write_profile(
    adapter: str,
    settings: Mapping[str, Any],
    secrets: Mapping[str, str],
    project_dir: Path,
    work_dir: Path,
    state_dir: Path | None = None,
) -> Profile:
    """Write `work_dir/profiles/profiles.yml` with one target, `dvt`, for the project's profile name.

    A relative DuckDB path resolves in `state_dir` (kept between runs) when given, else in `work_dir`.
    """
    if adapter not in _SETTINGS:
        raise ProfileError(f"adapter {adapter!r} is not supported (supported: {', '.join(sorted(_SETTINGS))})")
    for key in _CREDENTIALS[adapter]:
        if key in settings:
            raise ProfileError(f"{key!r} must be given as a secret, not a setting")
    output: dict[str, Any] = {"type": adapter, "threads": _threads(settings.get("threads", DEFAULT_THREADS))}
    for key in _SETTINGS[adapter]:
        if settings.get(key) is not None:
            output[key] = _setting(key, settings[key])
    for key in _CREDENTIALS[adapter]:
        variable = _secret_variable(key, settings, secrets)
        if variable is not None:
            output[key] = "{{ env_var('" + variable + "') }}"
    if adapter == "duckdb":
        output["path"] = _duckdb_path(_duckdb_setting(settings), state_dir or work_dir)
    name = _profile_name(project_dir)
    directory = work_dir / "profiles"
    directory.mkdir(parents=True, exist_ok=True)
    document = {name: {"target": TARGET, "outputs": {TARGET: output}}}
    (directory / "profiles.yml").write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return Profile(name, directory)


def _profile_name(project_dir: Path) -> str:
    # dbt is also given --profile with this name, so a profile key dbt would render (Jinja) is not needed.
    name = read_project(project_dir).get("profile")
    return name if isinstance(name, str) and _PROFILE_NAME.match(name) else "dvt"


def _secret_variable(key: str, settings: Mapping[str, Any], secrets: Mapping[str, str]) -> str | None:
    """The environment variable holding credential `key`: named by `<key>_secret`, else the default name."""
    named = settings.get(f"{key}_secret")
    if named is None:
        default = SECRET_PREFIX + key.upper()
        return default if default in secrets else None
    if not isinstance(named, str) or not _SECRET_NAME.match(named):
        raise ProfileError(f"{key}_secret must name a variable like {SECRET_PREFIX}{key.upper()}")
    if named not in secrets:
        raise ProfileError(f"{key}_secret names {named}, which the run was not given")
    return named


def _setting(key: str, value: Any) -> Any:
    if key in _INTEGERS:
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ProfileError(f"setting {key!r} must be a whole number") from None
    _refuse_jinja(key, value)
    return value


def _refuse_jinja(key: str, value: Any) -> None:
    # dbt renders profiles.yml: a setting holding Jinja could read any variable of the run's environment.
    if isinstance(value, str) and has_jinja(value):
        raise ProfileError(f"setting {key!r} may not contain Jinja")
    if isinstance(value, Mapping):
        for item in value.values():
            _refuse_jinja(key, item)
    elif isinstance(value, list | tuple):
        for item in value:
            _refuse_jinja(key, item)


def _threads(value: Any) -> int:
    try:
        threads = int(value)
    except (TypeError, ValueError):
        raise ProfileError("setting 'threads' must be a whole number") from None
    if threads < 1:
        raise ProfileError("setting 'threads' must be at least 1")
    return threads


def exclusive_database(adapter: str, settings: Mapping[str, Any], state_dir: Path) -> str | None:
    """The database file a run of this profile must hold alone, named for people, or None when runs may overlap.

    DuckDB lets one process write a database file at a time: a second dbt on the same file fails with
    "Could not set lock on file". The file is resolved as `write_profile` resolves it (a relative path in the
    environment's kept `state_dir`) and then made canonical, so two environments naming one file share it.
    In memory and remote (`md:`) databases are not files DVT's runs contend for.
    """
    if adapter != "duckdb":
        return None
    path = _duckdb_setting(settings)
    if not _is_file(path):
        return None
    return f"DuckDB database {Path(_duckdb_path(path, state_dir)).resolve()}"


def _duckdb_setting(settings: Mapping[str, Any]) -> str:
    path = settings.get("path")
    return "dvt.duckdb" if path is None else str(path)


def _is_file(path: str) -> bool:
    return not (path == ":memory:" or ":" in path.split("/", 1)[0])  # in memory, or a remote scheme such as md:


def _duckdb_path(path: str, work_dir: Path) -> str:
    if not _is_file(path):
        return path
    resolved = Path(path) if Path(path).is_absolute() else work_dir / path
    return str(resolved)
