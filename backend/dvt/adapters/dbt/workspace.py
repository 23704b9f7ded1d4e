"""The ephemeral workspace: a fresh git checkout of the project at the run's ref.

The git token never appears in argv, a URL or a log: git asks for it through GIT_ASKPASS, a script that
prints an environment variable only git's own process holds.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from dvt.adapters.dbt.errors import CheckoutError
from dvt.adapters.secrets.redaction import redact, register

_SHA = re.compile(r"^[0-9a-fA-F]{7,40}$")
_TOKEN_VARIABLE = "DVT_GIT_TOKEN"
# Answers git's username prompt with a name the common forges accept for a token, its password prompt with
# the token; the script holds no secret itself.
_ASKPASS = f"""#!/bin/sh
case "$1" in
  Username*) printf '%s\\n' "${{DVT_GIT_USERNAME:-x-access-token}}" ;;
  *) printf '%s\\n' "${_TOKEN_VARIABLE}" ;;
esac
"""
_KEPT_VARIABLES = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SSL_CERT_FILE", "SSL_CERT_DIR")
_STDERR_LIMIT = 2000


def display_repository(repository: str) -> str:
    """The repository as it may be shown: a URL without any user or password in it."""
    parts = urlsplit(repository)
    if parts.scheme and parts.netloc and "@" in parts.netloc:
        return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))
    return repository


async def checkout(
    repository: str,
    ref: str,
    dest: Path,
    subdirectory: str | None = None,
    git_token: str | None = None,
    *,
    timeout_seconds: float = 600.0,
) -> Path:
    """Clone `repository` at `ref` into `dest` (which must not exist yet); the dbt project directory in it."""
    if not ref or ref.startswith("-"):
        raise CheckoutError(f"{ref!r} is not a git ref")
    if git_token:
        register(git_token)
    shown = display_repository(repository)
    with tempfile.TemporaryDirectory(prefix="dvt-git-") as helper:
        env = _git_environment(Path(helper), git_token)
        branch = [] if ref == "HEAD" else ["--branch", ref]  # HEAD: the repository's default branch
        shallow = await _git(
            ["clone", "--quiet", "--depth", "1", *branch, "--", repository, str(dest)], env, timeout_seconds
        )
        if shallow is not None:
            if not _SHA.match(ref):
                raise CheckoutError(f"could not clone {shown} at {ref!r}: {shallow}")
            # A commit rather than a branch or tag: only a full history is sure to contain it.
            shutil.rmtree(dest, ignore_errors=True)
            failure = await _git(
                ["clone", "--quiet", "--no-checkout", "--", repository, str(dest)], env, timeout_seconds
            )
            if failure is None:
                failure = await _git(["-C", str(dest), "checkout", "--quiet", "--detach", ref], env, timeout_seconds)
            if failure is not None:
                raise CheckoutError(f"could not check out {ref!r} of {shown}: {failure}")
    return _project_directory(dest, subdirectory)


async def head_commit(directory: Path) -> str:
    """The commit checked out in `directory`."""
    env = {key: os.environ[key] for key in _KEPT_VARIABLES if key in os.environ}
    process = await asyncio.create_subprocess_exec(
        "git",
        "-C",
        str(directory),
        "rev-parse",
        "HEAD",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
        env=env,
    )
    out, _ = await process.communicate()
    return out.decode().strip()


def _project_directory(dest: Path, subdirectory: str | None) -> Path:
    root = dest.resolve()
    project = (root / subdirectory).resolve() if subdirectory else root
    if not project.is_relative_to(root):
        raise CheckoutError(f"subdirectory {subdirectory!r} is outside the repository")
    if not (project / "dbt_project.yml").is_file():
        where = f"subdirectory {subdirectory!r}" if subdirectory else "the repository root"
        raise CheckoutError(f"no dbt_project.yml in {where}")
    return project


def _git_environment(helper: Path, git_token: str | None) -> dict[str, str]:
    env = {key: os.environ[key] for key in _KEPT_VARIABLES if key in os.environ}
    env["GIT_TERMINAL_PROMPT"] = "0"  # fail instead of waiting on a prompt nobody will answer
    if git_token:
        script = helper / "askpass.sh"
        script.write_text(_ASKPASS)
        script.chmod(stat.S_IRWXU)
        env["GIT_ASKPASS"] = str(script)
        env[_TOKEN_VARIABLE] = git_token
    return env


async def _git(args: list[str], env: Mapping[str, str], timeout_seconds: float) -> str | None:
    """None when git succeeded, else its stderr, redacted and cut to a readable length."""
    process = await asyncio.create_subprocess_exec(
        "git",
        "-c",
        "protocol.ext.allow=never",
        *args,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
        env=dict(env),
    )
    try:
        _, err = await asyncio.wait_for(process.communicate(), timeout_seconds)
    except TimeoutError:
        return f"git did not finish within {timeout_seconds:g} seconds"
    finally:
        if process.returncode is None:  # timed out, or the run itself was cancelled
            process.kill()
            await process.wait()
    if process.returncode == 0:
        return None
    text = redact(err.decode("utf-8", errors="replace").strip()) or f"git exited with {process.returncode}"
    return text if len(text) <= _STDERR_LIMIT else text[:_STDERR_LIMIT] + " ..."
