"""A dbt subprocess under supervision: its own process group, resource limits, output as lines, a stop in steps.

Stopping goes SIGINT (dbt cancels its open queries and writes its results), then SIGTERM, then SIGKILL, each
to the whole group so nothing dbt started outlives it.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import resource
import signal
import subprocess
import sys
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dvt.adapters.dbt.errors import ProcessStartError
from dvt.adapters.dbt.lines import LineBuffer
from dvt.adapters.dbt.logs import RunnerReports
from dvt.application.run_ports import RunLimits

POLL_SECONDS = 0.5  # how often a cancel request is looked for
_READ_BYTES = 1 << 16
_OUTPUT_DRAIN_SECONDS = 5.0  # how long to wait for the pipes to close once the process is gone
_CPU_HARD_MARGIN = 5  # SIGXCPU at the soft limit lets the process die its own way; SIGKILL this much later


@dataclass(frozen=True, slots=True)
class ProcessOutcome:
    exit_code: int
    canceled: bool = False
    timed_out: bool = False


def resource_limits(limits: RunLimits) -> dict[int, tuple[int, int]]:
    """The rlimits to set, as (soft, hard), capped at what this process may grant."""
    wanted: dict[int, tuple[int, int]] = {}
    if limits.cpu_seconds is not None:
        wanted[resource.RLIMIT_CPU] = (limits.cpu_seconds, limits.cpu_seconds + _CPU_HARD_MARGIN)
    if limits.memory_bytes is not None:
        wanted[resource.RLIMIT_AS] = (limits.memory_bytes, limits.memory_bytes)
    capped: dict[int, tuple[int, int]] = {}
    for kind, (soft, hard) in wanted.items():
        ceiling = resource.getrlimit(kind)[1]
        if ceiling != resource.RLIM_INFINITY:
            soft, hard = min(soft, ceiling), min(hard, ceiling)
        capped[kind] = (soft, hard)
    return capped


def applied_limits(limits: RunLimits) -> dict[str, Any]:
    """What the dbt process actually runs under, for the run's record."""
    rlimits = resource_limits(limits)
    cpu = rlimits.get(resource.RLIMIT_CPU)
    memory = rlimits.get(resource.RLIMIT_AS)
    return {
        **limits.to_json(),
        "cpu_seconds": cpu[0] if cpu else None,
        "memory_bytes": memory[0] if memory else None,
    }


_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Linux: dbt gets SIGKILL when its worker dies (kill -9 included), so a lost worker's run stops writing.

    Without it a killed worker would leave dbt building on while the run is marked lost and retried.
    """
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


async def supervise(
    argv: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    limits: RunLimits,
    deadline: float,
    cancel_requested: Callable[[], Awaitable[bool]],
    output: RunnerReports,
) -> ProcessOutcome:
    """Run `argv` until it exits, is cancelled, or passes `deadline` (on the event loop's clock)."""
    rlimits = resource_limits(limits)

    def prepare_child() -> None:  # runs in the child between fork and exec
        _die_with_parent()
        for kind, pair in rlimits.items():
            resource.setrlimit(kind, pair)

    try:
        process = await asyncio.create_subprocess_exec(
            *argv,
            cwd=cwd,
            env=dict(env),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            start_new_session=True,  # its own process group, so a signal reaches everything it started
            preexec_fn=prepare_child,
        )
    except (OSError, subprocess.SubprocessError) as error:  # no such executable, or a limit refused
        raise ProcessStartError(f"could not start {Path(argv[0]).name}: {error}") from error
    assert process.stdout is not None and process.stderr is not None
    readers = [
        asyncio.create_task(_read(process.stdout, "stdout", output)),
        asyncio.create_task(_read(process.stderr, "stderr", output)),
    ]
    exited = asyncio.ensure_future(process.wait())
    loop = asyncio.get_running_loop()
    canceled = timed_out = False
    try:
        while not exited.done():
            remaining = deadline - loop.time()
            if remaining <= 0:
                timed_out = True
                break
            await asyncio.wait({exited}, timeout=min(POLL_SECONDS, remaining))
            if not exited.done() and await cancel_requested():
                canceled = True
                break
        if not exited.done():
            await _stop(process.pid, exited, limits.cancel_grace_seconds)
    finally:
        if not exited.done():  # the runner itself was cancelled, or the steps ran out: leave nothing running
            _signal_group(process.pid, signal.SIGKILL)
            await exited
        _signal_group(process.pid, signal.SIGKILL)  # anything dbt started that outlived it
        _, unfinished = await asyncio.wait(readers, timeout=_OUTPUT_DRAIN_SECONDS)
        for reader in unfinished:
            reader.cancel()
    return ProcessOutcome(exited.result(), canceled=canceled, timed_out=timed_out)


async def _stop(pid: int, exited: asyncio.Future[int], grace_seconds: float) -> None:
    for step in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        _signal_group(pid, step)
        done, _ = await asyncio.wait({exited}, timeout=grace_seconds)
        if done:
            return


def _signal_group(pid: int, sent: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sent)  # the child leads its own group: its group id is its pid


async def _read(stream: asyncio.StreamReader, name: str, output: RunnerReports) -> None:
    lines = LineBuffer()
    while chunk := await stream.read(_READ_BYTES):
        output.add(name, lines.feed(chunk))
    output.add(name, lines.finish())
