"""The generated profiles.yml: settings as given, credentials only as env_var references."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from dvt.adapters.dbt.errors import ProfileError
from dvt.adapters.dbt.profiles import exclusive_database, write_profile

PASSWORD = "pg-password-not-in-any-file"
PRIVATE_KEY = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    directory = tmp_path / "project"
    directory.mkdir()
    (directory / "dbt_project.yml").write_text("name: shop\nprofile: shop_profile\nversion: '1'\n")
    return directory


def _written(work_dir: Path) -> tuple[str, dict[str, Any]]:
    text = (work_dir / "profiles" / "profiles.yml").read_text()
    return text, yaml.safe_load(text)


def test_duckdb_path_is_resolved_in_the_work_dir_and_threads_default(project: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    profile = write_profile("duckdb", {"path": "demo.duckdb"}, {}, project, work)
    assert (profile.name, profile.target, profile.directory) == ("shop_profile", "dvt", work / "profiles")
    _, document = _written(work)
    assert document == {
        "shop_profile": {
            "target": "dvt",
            "outputs": {"dvt": {"type": "duckdb", "threads": 4, "path": str(work / "demo.duckdb")}},
        }
    }


def test_postgres_password_is_an_env_var_reference(project: Path, tmp_path: Path) -> None:
    settings = {
        "host": "db.internal",
        "port": "5433",
        "user": "dbt",
        "dbname": "shop",
        "schema": "analytics",
        "threads": 8,
    }
    write_profile("postgres", settings, {"DBT_ENV_SECRET_PASSWORD": PASSWORD}, project, tmp_path)
    text, document = _written(tmp_path)
    assert PASSWORD not in text
    output = document["shop_profile"]["outputs"]["dvt"]
    assert output == {
        "type": "postgres",
        "threads": 8,
        "host": "db.internal",
        "port": 5433,
        "user": "dbt",
        "dbname": "shop",
        "schema": "analytics",
        "password": "{{ env_var('DBT_ENV_SECRET_PASSWORD') }}",
    }


def test_a_credential_can_come_from_a_named_secret(project: Path, tmp_path: Path) -> None:
    settings = {
        "account": "xy12345",
        "user": "dbt",
        "role": "transformer",
        "warehouse": "wh",
        "database": "db",
        "schema": "s",
    }
    settings["private_key_secret"] = "DBT_ENV_SECRET_SF_KEY"
    secrets = {"DBT_ENV_SECRET_SF_KEY": PRIVATE_KEY, "DBT_ENV_SECRET_PRIVATE_KEY_PASSPHRASE": "phrase-value"}
    write_profile("snowflake", settings, secrets, project, tmp_path)
    text, document = _written(tmp_path)
    assert "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" not in text and "phrase-value" not in text
    output = document["shop_profile"]["outputs"]["dvt"]
    assert output["private_key"] == "{{ env_var('DBT_ENV_SECRET_SF_KEY') }}"
    assert output["private_key_passphrase"] == "{{ env_var('DBT_ENV_SECRET_PRIVATE_KEY_PASSPHRASE') }}"
    assert "password" not in output and "private_key_secret" not in output
    assert output["account"] == "xy12345"


def test_a_credential_given_as_a_setting_is_refused(project: Path, tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="must be given as a secret"):
        write_profile("postgres", {"host": "h", "password": PASSWORD}, {}, project, tmp_path)


def test_a_named_secret_the_run_lacks_is_refused(project: Path, tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="DBT_ENV_SECRET_PG"):
        write_profile("postgres", {"password_secret": "DBT_ENV_SECRET_PG"}, {}, project, tmp_path)


def test_a_setting_holding_jinja_is_refused(project: Path, tmp_path: Path) -> None:
    # dbt renders profiles.yml: this would put a secret into the schema name, and so into the logs.
    with pytest.raises(ProfileError, match="Jinja"):
        write_profile("postgres", {"schema": "{{ env_var('DBT_ENV_SECRET_PASSWORD') }}"}, {}, project, tmp_path)


def test_an_unknown_adapter_is_refused(project: Path, tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="not supported"):
        write_profile("oracle", {}, {}, project, tmp_path)


def test_a_project_without_a_plain_profile_name_gets_dvt(tmp_path: Path) -> None:
    (tmp_path / "dbt_project.yml").write_text("name: shop\nprofile: \"{{ env_var('PROFILE') }}\"\n")
    assert write_profile("duckdb", {}, {}, tmp_path, tmp_path / "work").name == "dvt"


def test_a_duckdb_file_is_held_alone_and_named_as_the_profile_resolves_it(tmp_path: Path) -> None:
    state = tmp_path / "environments" / "e1"
    named = exclusive_database("duckdb", {"path": "demo.duckdb"}, state)
    assert named == f"DuckDB database {(state / 'demo.duckdb').resolve()}"
    assert exclusive_database("duckdb", {}, state) == f"DuckDB database {(state / 'dvt.duckdb').resolve()}"
    # Two spellings of one file are one database; another environment's relative path is another file.
    shared = tmp_path / "shared.duckdb"
    spelled = f"{tmp_path}/x/../shared.duckdb"
    assert exclusive_database("duckdb", {"path": spelled}, state) == exclusive_database(
        "duckdb", {"path": str(shared)}, tmp_path / "environments" / "e2"
    )
    assert named != exclusive_database("duckdb", {"path": "demo.duckdb"}, tmp_path / "environments" / "e2")


def test_databases_runs_may_share_are_not_held_alone(tmp_path: Path) -> None:
    assert exclusive_database("duckdb", {"path": ":memory:"}, tmp_path) is None
    assert exclusive_database("duckdb", {"path": "md:analytics"}, tmp_path) is None
    assert exclusive_database("postgres", {"host": "db", "dbname": "analytics"}, tmp_path) is None
