"""DVT as a platform team installs it: a wheel built from the repository, installed in a venv of its own outside
the checkout and run from another folder. It must migrate an empty database, answer the CLI, and serve the SPA it
carries: nothing may be read from a repository that is not there."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import httpx
import orjson
import pytest

from tests.support.migrations import fresh_database
from tests.support.server import served
from tests.unit.test_image import health_check_command

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "frontend" / "dist"


def _environment() -> dict[str, str]:
    """This process's environment without DVT's settings or a PYTHONPATH that could reach the checkout."""
    return {k: v for k, v in os.environ.items() if not k.startswith("DVT_") and k != "PYTHONPATH"}


def _run(argv: Sequence[str | Path], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(a) for a in argv], cwd=cwd, env={**_environment(), **env}, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"{argv} failed:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel of this checkout (its SPA build inside), installed in a new venv."""
    assert (DIST / "index.html").is_file(), "the SPA is not built: run `make frontend` (make test does)"
    where = tmp_path_factory.mktemp("wheel")
    source = where / "source"  # a copy: building writes into the source tree, which other tests import
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "backend", source / "backend", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    shutil.copytree(DIST, source / "backend" / "dvt" / "spa")
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", where / "wheels", source], where)
    [wheel] = (where / "wheels").glob("dvt-*.whl")
    _run([sys.executable, "-m", "venv", where / "venv"], where)
    _run([where / "venv" / "bin" / "python", "-m", "pip", "install", "--quiet", wheel], where)
    return where / "venv"


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder


@pytest.fixture
def empty_database(database_url: str) -> Iterator[str]:
    with fresh_database(database_url) as url:
        yield url


def test_the_installed_package_is_the_wheel_not_the_checkout(venv: Path, elsewhere: Path) -> None:
    done = _run([venv / "bin" / "python", "-c", "import dvt; print(dvt.__file__)"], elsewhere)
    assert Path(done.stdout.strip()).is_relative_to(venv)


def test_the_installed_cli_migrates_an_empty_database_and_answers(
    venv: Path, elsewhere: Path, empty_database: str
) -> None:
    settings = {"DVT_DATABASE_URL": empty_database, "DVT_DATA_DIR": str(elsewhere / "data")}
    done = _run([venv / "bin" / "dvt", "tenant", "list", "--json"], elsewhere, **settings)
    assert [t["slug"] for t in orjson.loads(done.stdout)] == ["default"]  # migrated, then the first start's tenant


def test_the_images_health_check_passes_while_the_installed_server_is_ready_and_fails_once_it_is_gone(
    venv: Path, elsewhere: Path, empty_database: str
) -> None:
    """The Dockerfile's HEALTHCHECK command, run by the installed wheel's python (the image's) on this server's port."""
    _, code = health_check_command()[1:]
    settings = {"DVT_DATABASE_URL": empty_database, "PYTHONPATH": ""}
    with served(elsewhere / "data", settings, command=[str(venv / "bin" / "dvt"), "serve"], cwd=elsewhere) as server:
        here = code.replace("http://127.0.0.1:8000", server.base)
        assert here != code, "the check names the image's port"
        check = [str(venv / "bin" / "python"), "-c", here]
        assert subprocess.run(check, cwd=elsewhere, env=_environment(), check=False).returncode == 0
    assert subprocess.run(check, cwd=elsewhere, env=_environment(), capture_output=True, check=False).returncode != 0


def test_the_installed_server_migrates_and_serves_the_spa_it_carries(
    venv: Path, elsewhere: Path, empty_database: str
) -> None:
    settings = {"DVT_DATABASE_URL": empty_database, "PYTHONPATH": ""}
    with served(elsewhere / "data", settings, command=[str(venv / "bin" / "dvt"), "serve"], cwd=elsewhere) as server:
        assert httpx.get(f"{server.base}/readyz", timeout=10, trust_env=False).status_code == 200
        page = httpx.get(f"{server.base}/", timeout=10, trust_env=False)
        assert page.status_code == 200 and page.text == (DIST / "index.html").read_text()
        asset = next(p for p in (DIST / "assets").iterdir() if p.suffix == ".js")
        served_asset = httpx.get(f"{server.base}/assets/{asset.name}", timeout=10, trust_env=False)
        assert served_asset.status_code == 200 and served_asset.content == asset.read_bytes()
