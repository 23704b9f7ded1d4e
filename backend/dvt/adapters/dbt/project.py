"""The checked-out project's dbt_project.yml, read and (in the workspace copy only) rewritten."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from dvt.adapters.dbt.errors import ProjectFileError

PROJECT_FILE = "dbt_project.yml"


def read_project(project_dir: Path) -> dict[str, Any]:
    path = project_dir / PROJECT_FILE
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ProjectFileError(f"cannot read {PROJECT_FILE}: {error.strerror}") from error
    except yaml.YAMLError as error:
        raise ProjectFileError(f"{PROJECT_FILE} is not valid YAML: {error}") from error
    if not isinstance(document, dict):
        raise ProjectFileError(f"{PROJECT_FILE} is not a mapping")
    return document


def write_project(project_dir: Path, document: dict[str, Any]) -> None:
    # Key order kept; comments are lost, which is fine for a copy nobody edits.
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, default_flow_style=False)
    (project_dir / PROJECT_FILE).write_text(text, encoding="utf-8")


def has_jinja(value: str) -> bool:
    return any(opener in value for opener in ("{{", "{%", "{#"))
