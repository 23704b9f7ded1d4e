"""`dbt parse` of a commit: the manifest a run plans from, made from the code as it is on the branch.

Each environment parses in a folder of its own that outlives the parse (`root/parse/<environment>`): the commit
is exported there over the previous one and dbt finds its `partial_parse.msgpack` from last time, so it reads
again only the files the commit changed. Packages are installed once per content of `packages.yml` /
`dependencies.yml` / `package-lock.yml` (`root/deps/<hash>`) and copied into each checkout.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import shutil
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

from dvt.adapters.dbt.errors import RunnerSetupError
from dvt.adapters.dbt.profiles import write_profile
from dvt.adapters.dbt.project import read_project
from dvt.adapters.dbt.runner import dbt_environment
from dvt.adapters.dbt.workspace import GitMirrors, held_lock
from dvt.adapters.secrets.redaction import redact, register
from dvt.application.run_ports import CommitUnavailable, GitSource, ParseFailed, ParseJob

PACKAGE_FILES = ("packages.yml", "dependencies.yml", "package-lock.yml")
_MESSAGE_LIMIT = 4000
# dbt's last words before the error it stopped on; what follows is the message people need.
_ERROR_STARTS = ("Encountered an error", "Compilation Error", "Parsing Error", "Runtime Error")


class SubprocessDbtParser:
    def __init__(self, dbt_executable: str, mirrors: GitMirrors, root: Path, *, timeout_seconds: float = 600.0) -> None:
        self._dbt = dbt_executable
        self._mirrors = mirrors
        self._root = root
        self._timeout = timeout_seconds
        self._locks: dict[uuid.UUID, asyncio.Lock] = {}

    async def resolve(self, source: GitSource, ref: str) -> str:
        try:
            return await self._mirrors.resolve(source, ref)
        except RunnerSetupError as error:
            raise CommitUnavailable(str(error)) from None

    async def parse(self, job: ParseJob) -> bytes:
        register(*job.secrets.values())
        place = self._root / "parse" / str(job.environment_id)
        async with self._parsing(job.environment_id, place):
            checkout = place / "checkout"
            await asyncio.to_thread(shutil.rmtree, checkout, ignore_errors=True)
            try:
                project = await self._mirrors.export(job.source, job.commit, checkout)
                await self._packages(project, job)
                profile = write_profile(job.adapter, job.settings, job.secrets, project, place, place)
            except RunnerSetupError as error:
                raise CommitUnavailable(str(error)) from None
            target = place / "target"  # kept between parses: dbt's partial_parse.msgpack is in it
            argv = [
                self._dbt, "parse", "--no-use-colors", f"--target-path={target}", f"--log-path={place / 'logs'}",
                f"--profiles-dir={profile.directory}", f"--profile={profile.name}", f"--target={profile.target}",
            ]  # fmt: skip
            code, output = await self._dbt_process(argv, project, job)
            if code != 0:
                raise ParseFailed(_error_message(output, code))
            return await asyncio.to_thread((target / "manifest.json").read_bytes)

    async def _packages(self, project: Path, job: ParseJob) -> None:
        """`dbt deps`, once per content of the packages files; its result copied into the checkout."""
        wanted = await asyncio.to_thread(_packages_wanted, project)
        if wanted is None:
            return
        digest, installed = wanted
        cached = self._root / "deps" / digest
        if not await asyncio.to_thread(cached.is_dir):
            code, output = await self._dbt_process(
                [self._dbt, "deps", "--no-use-colors", f"--log-path={project.parent / 'deps-logs'}"], project, job
            )
            if code != 0:
                raise ParseFailed("dbt deps failed: " + _error_message(output, code))
            partial = cached.with_name(f"{cached.name}.{uuid.uuid4().hex}.partial")
            await asyncio.to_thread(shutil.copytree, installed, partial, symlinks=True)
            with contextlib.suppress(OSError):  # another process cached the same packages first: theirs stay
                partial.rename(cached)
            shutil.rmtree(partial, ignore_errors=True)
            return
        await asyncio.to_thread(shutil.rmtree, installed, ignore_errors=True)
        await asyncio.to_thread(shutil.copytree, cached, installed, symlinks=True)

    async def _dbt_process(self, argv: list[str], project: Path, job: ParseJob) -> tuple[int | None, str]:
        process = await asyncio.create_subprocess_exec(
            *argv, cwd=project, env=dbt_environment(job.secrets), stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        try:
            out, _ = await asyncio.wait_for(process.communicate(), self._timeout)
        except TimeoutError:
            return None, f"dbt did not finish within {self._timeout:g} seconds"
        finally:
            if process.returncode is None:  # timed out, or the planning itself was cancelled
                process.kill()
                await process.wait()
        return process.returncode, out.decode("utf-8", errors="replace")

    @contextlib.asynccontextmanager
    async def _parsing(self, environment_id: uuid.UUID, place: Path) -> AsyncIterator[None]:
        """One parse of an environment at a time, in this process and across processes (its folder is shared)."""
        async with self._locks.setdefault(environment_id, asyncio.Lock()), held_lock(place / ".lock"):
            yield


def _packages_wanted(project: Path) -> tuple[str, Path] | None:
    """(the hash of the packages files, where dbt installs them), or None when the project has no packages."""
    present = [name for name in PACKAGE_FILES if (project / name).is_file()]
    if not any(name != "package-lock.yml" for name in present):
        return None
    digest = hashlib.sha256()
    for name in present:
        digest.update(name.encode() + b"\0" + (project / name).read_bytes() + b"\0")
    folder = str(read_project(project).get("packages-install-path") or "dbt_packages")
    installed = project / folder
    if not installed.resolve().is_relative_to(project.resolve()):
        raise CommitUnavailable(f"packages-install-path {folder!r} is outside the project")
    return digest.hexdigest(), installed


def _error_message(output: str, code: int | None) -> str:
    """dbt's error as it printed it (from where it says what went wrong), redacted, of a readable length."""
    lines = [line.rstrip() for line in output.splitlines() if line.strip()]
    start = next((i for i, line in enumerate(lines) if any(mark in line for mark in _ERROR_STARTS)), None)
    shown = lines[start:] if start is not None else lines[-20:]
    text = redact("\n".join(_without_clock(line) for line in shown)) or f"dbt exited with {code}"
    return text if len(text) <= _MESSAGE_LIMIT else text[:_MESSAGE_LIMIT] + " ..."


def _without_clock(line: str) -> str:
    """dbt's text lines start with the time (`12:00:00  `); the message reads better without it."""
    head, _, rest = line.partition("  ")
    return rest if len(head) == 8 and head[2] == ":" and head[5] == ":" else line
