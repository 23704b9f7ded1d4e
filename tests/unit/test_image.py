"""The image as the Dockerfile builds it (read as Docker reads it): the SPA built by node and carried in the wheel,
only that wheel and dbt's own venv in the runtime, an unprivileged user, a health check on readiness. No container
engine runs here: tests/integration/test_wheel.py runs the same wheel and the health check's command."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
import yaml
from dockerfile_parse import DockerfileParser

ROOT = Path(__file__).resolve().parents[2]


def _instructions() -> list[dict[str, str]]:
    parser = DockerfileParser(path=str(ROOT / "Dockerfile"))
    return list(parser.structure)


def _stages() -> dict[str, list[dict[str, str]]]:
    stages: dict[str, list[dict[str, str]]] = {}
    current: list[dict[str, str]] = []
    for instruction in _instructions():
        if instruction["instruction"] == "FROM":
            current = []
            words = instruction["value"].split()
            stages[words[-1] if len(words) == 3 and words[1].upper() == "AS" else words[0]] = current
        current.append(instruction)
    return stages


def _values(stage: list[dict[str, str]], name: str) -> list[str]:
    return [i["value"] for i in stage if i["instruction"] == name]


def health_check_command() -> list[str]:
    """The runtime's HEALTHCHECK command (exec form), as Docker runs it."""
    [check] = _values(_stages()["runtime"], "HEALTHCHECK")
    return json.loads(check[check.index("CMD") + 3 :].strip())


def test_node_builds_the_spa_and_the_wheel_carries_it_where_the_package_serves_it_from() -> None:
    stages = _stages()
    assert list(stages) == ["spa", "wheel", "runtime"]
    assert _values(stages["spa"], "FROM")[0].startswith("node:")
    assert "npm run build" in " ".join(_values(stages["spa"], "RUN"))
    assert "--from=spa /src/frontend/dist backend/dvt/spa" in _values(stages["wheel"], "COPY")


def test_dvt_serve_serves_the_spa_from_where_the_wheel_stage_puts_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """cli/server._spa_dir finds backend/dvt/spa (where the wheel stage copies the build) when it holds index.html."""
    import dvt.cli.server as server

    package = tmp_path / "dvt"
    (package / "cli").mkdir(parents=True)
    (package / "spa").mkdir()
    (package / "spa" / "index.html").write_text("<html></html>")
    monkeypatch.setattr(server, "__file__", str(package / "cli" / "server.py"))
    monkeypatch.delenv("DVT_SPA_DIR", raising=False)
    assert server._spa_dir() == package.resolve() / "spa"


def test_the_runtime_installs_only_the_wheel_and_dbt_and_runs_unprivileged() -> None:
    runtime = _stages()["runtime"]
    copies = _values(runtime, "COPY")
    assert copies == ["requirements/dbt.txt /tmp/dbt.txt", "--from=wheel /dist /tmp/dist"], "no source tree inside"
    [user] = _values(runtime, "USER")
    assert user.split(":")[0] not in ("root", "0")
    environment = " ".join(_values(runtime, "ENV"))
    assert "DVT_DBT_EXECUTABLE=/opt/dbt/bin/dbt" in environment and "DVT_HOST=0.0.0.0" in environment
    assert json.loads(_values(runtime, "CMD")[0]) == ["dvt", "serve"]


def test_the_health_check_asks_readiness() -> None:
    command = health_check_command()
    assert command[:2] == ["python", "-c"] and "/readyz" in command[2]
    [check] = _values(_stages()["runtime"], "HEALTHCHECK")
    assert "--start-period=" in check and "--interval=" in check


def test_the_build_context_leaves_out_what_the_image_makes_itself() -> None:
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines() if line and line[0] != "#"}
    assert {".git", ".venv", ".venv-dbt", "frontend/node_modules", "frontend/dist", ".dvt"} <= ignored


def test_compose_turns_the_health_check_off_for_workers_only() -> None:
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    assert services["worker"]["healthcheck"] == {"disable": True}
    assert "healthcheck" not in services["api"]  # the image's own: /readyz
    assert shlex.join(services["worker"]["command"]) == "dvt worker"
