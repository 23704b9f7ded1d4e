"""The workspace: the project's commit, exported from a mirror of its repository kept on this machine.

The git token never appears in argv, a URL or a log: git asks for it through GIT_ASKPASS, a script that
prints an environment variable only git's own process holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import os
import re
import shutil
import stat
import tarfile
import tempfile
import uuid
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from dvt.adapters.dbt.errors import CheckoutError
from dvt.adapters.secrets.redaction import redact, register
from dvt.application.run_ports import GitSource

_SHA = re.compile(r"^[0-9a-fA-F]{40}$")
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


class GitMirrors:
    """One bare mirror per repository under `root`, fetched (never cloned again), and commits exported from it.

    A mirror is shared by every run and plan of this machine: one process at a time updates it (a lock file),
    and an export reads it without changing it (`git archive`), so any number may export at once. A checkout is
    a plain tree of the commit, without `.git`: dbt needs the files, and nothing a run does can reach the mirror.
    """

    def __init__(self, root: Path, *, timeout_seconds: float = 600.0) -> None:
        self._root = root
        self._timeout = timeout_seconds
        self._locks: dict[Path, asyncio.Lock] = {}

    def _mirror(self, source: GitSource) -> Path:
        name = hashlib.sha256(display_repository(source.repository).encode()).hexdigest()[:24]
        return self._root / f"{name}.git"

    async def resolve(self, source: GitSource, ref: str) -> str:
        """The commit `ref` (a branch, tag or sha; HEAD: the default branch) names in the repository now."""
        _check_ref(ref)
        mirror = self._mirror(source)
        async with self._updating(mirror):
            await self._update(source, mirror, follow_head=ref == "HEAD")
            commit = await _rev_parse(mirror, ref)
        if commit is None:
            raise CheckoutError(f"{ref!r} is not a branch, tag or commit of {display_repository(source.repository)}")
        return commit

    async def export(self, source: GitSource, commit: str, dest: Path) -> Path:
        """The tree of `commit` written into `dest` (which must not exist yet); the dbt project directory in it."""
        if not _SHA.match(commit):
            raise CheckoutError(f"{commit!r} is not a commit sha")
        mirror = self._mirror(source)
        async with self._updating(mirror):
            if await _rev_parse(mirror, commit) is None:  # pushed since the mirror was fetched (or never fetched)
                await self._update(source, mirror)
                if await _rev_parse(mirror, commit) is None:
                    raise CheckoutError(f"commit {commit} is not in {display_repository(source.repository)}")
        await asyncio.to_thread(dest.mkdir, parents=True)
        archive = dest.parent / f".{dest.name}.tar"
        try:
            argv = ["-C", str(mirror), "archive", "--format=tar", f"--output={archive}", commit]
            failure = await _git(argv, _plain_environment(), self._timeout)
            if failure is not None:
                raise CheckoutError(f"could not export {commit[:12]}: {failure}")
            await asyncio.to_thread(_extract, archive, dest)
        finally:
            archive.unlink(missing_ok=True)
        return _project_directory(dest, source.subdirectory)

    async def _update(self, source: GitSource, mirror: Path, *, follow_head: bool = False) -> None:
        """Fetch the mirror (clone it the first time). `follow_head`: also point its HEAD where the repository's
        HEAD points now: a fetch moves branches, never HEAD, so a default branch renamed or switched after the
        clone would otherwise stay what it was then."""
        shown = display_repository(source.repository)
        if source.token:
            register(source.token)
        with tempfile.TemporaryDirectory(prefix="dvt-git-") as helper:
            env = _git_environment(Path(helper), source.token)
            if (mirror / "HEAD").is_file():
                failure = await _git(["-C", str(mirror), "fetch", "--quiet", "--prune", "origin"], env, self._timeout)
                if failure is not None:
                    raise CheckoutError(f"could not fetch {shown}: {failure}")
                if follow_head:
                    await self._follow_head(mirror, env, shown)
                return
            # Cloned beside its place and renamed: a clone cut short never looks like a mirror.
            partial = mirror.with_name(f"{mirror.name}.{uuid.uuid4().hex}.partial")
            failure = await _git(["clone", "--quiet", "--mirror", "--", source.repository, str(partial)], env,
                                 self._timeout)  # fmt: skip
            if failure is not None:
                shutil.rmtree(partial, ignore_errors=True)
                raise CheckoutError(f"could not clone {shown}: {failure}")
            partial.rename(mirror)

    async def _follow_head(self, mirror: Path, env: Mapping[str, str], shown: str) -> None:
        asked = ["-C", str(mirror), "ls-remote", "--symref", "origin", "HEAD"]
        failure, found = await _git_run(asked, env, self._timeout)
        if failure is not None:
            raise CheckoutError(f"could not ask {shown} for its default branch: {failure}")
        # "ref: refs/heads/main\tHEAD" first; a server that does not say (an old git, a dumb protocol): HEAD stays.
        target = next((line[5:].split("\t")[0] for line in found.splitlines() if line.startswith("ref: ")), None)
        if target is not None and target.startswith("refs/heads/"):
            failure = await _git(["-C", str(mirror), "symbolic-ref", "HEAD", target], env, self._timeout)
            if failure is not None:
                raise CheckoutError(f"could not follow {shown}'s default branch: {failure}")

    @contextlib.asynccontextmanager
    async def _updating(self, mirror: Path) -> AsyncIterator[None]:
        """This process's tasks one at a time (an asyncio lock), then other processes (a lock file)."""
        async with self._locks.setdefault(mirror, asyncio.Lock()), held_lock(mirror.with_name(mirror.name + ".lock")):
            yield


@contextlib.asynccontextmanager
async def held_lock(path: Path) -> AsyncIterator[None]:
    """An exclusive lock on the file `path` (made if missing) across the processes of this machine."""

    def take() -> int:
        path.parent.mkdir(parents=True, exist_ok=True)
        held = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(held, fcntl.LOCK_EX)
        return held

    held = await asyncio.to_thread(take)
    try:
        yield
    finally:
        os.close(held)  # closing the descriptor lets go of the lock


def _check_ref(ref: str) -> None:
    if not ref or ref.startswith("-") or len(ref) > 255 or not ref.isprintable() or any(c.isspace() for c in ref):
        raise CheckoutError(f"{ref!r} is not a git ref")


async def _rev_parse(mirror: Path, ref: str) -> str | None:
    """The full sha of the commit `ref` names in the mirror, or None."""
    if not (mirror / "HEAD").is_file():
        return None
    process = await asyncio.create_subprocess_exec(
        "git", "-C", str(mirror), "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}",
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
        env=_plain_environment(),
    )  # fmt: skip
    out, _ = await process.communicate()
    found = out.decode().strip()
    return found if process.returncode == 0 and _SHA.match(found) else None


def _extract(archive: Path, dest: Path) -> None:
    with tarfile.open(archive) as tar:
        tar.extractall(dest, filter="data")  # refuses links and paths that leave `dest`


def _project_directory(dest: Path, subdirectory: str | None) -> Path:
    root = dest.resolve()
    project = (root / subdirectory).resolve() if subdirectory else root
    if not project.is_relative_to(root):
        raise CheckoutError(f"subdirectory {subdirectory!r} is outside the repository")
    if not (project / "dbt_project.yml").is_file():
        where = f"subdirectory {subdirectory!r}" if subdirectory else "the repository root"
        raise CheckoutError(f"no dbt_project.yml in {where}")
    return project


def _plain_environment() -> dict[str, str]:
    return {key: os.environ[key] for key in _KEPT_VARIABLES if key in os.environ}


def _git_environment(helper: Path, git_token: str | None) -> dict[str, str]:
    env = _plain_environment()
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
    failure, _ = await _git_run(args, env, timeout_seconds)
    return failure


async def _git_run(args: list[str], env: Mapping[str, str], timeout_seconds: float) -> tuple[str | None, str]:
    """(None, what git printed) when it succeeded, else (its stderr, redacted and cut, "")."""
    process = await asyncio.create_subprocess_exec(
        "git",
        "-c",
        "protocol.ext.allow=never",
        *args,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=dict(env),
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), timeout_seconds)
    except TimeoutError:
        return f"git did not finish within {timeout_seconds:g} seconds", ""
    finally:
        if process.returncode is None:  # timed out, or the run itself was cancelled
            process.kill()
            await process.wait()
    if process.returncode == 0:
        return None, out.decode("utf-8", errors="replace")
    text = redact(err.decode("utf-8", errors="replace").strip()) or f"git exited with {process.returncode}"
    return (text if len(text) <= _STDERR_LIMIT else text[:_STDERR_LIMIT] + " ..."), ""
