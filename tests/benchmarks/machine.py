"""A description of the machine a benchmark ran on, for the report."""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Machine:
    cores: int
    usable_cores: int
    memory_gib: float
    cpu_model: str
    postgres: str
    python: str
    dbt: str
    date: str

    def lines(self) -> list[str]:
        return [
            f"- Date: {self.date}",
            f"- CPU: {self.cpu_model}, {self.cores} cores ({self.usable_cores} usable by this process)",
            f"- Memory: {self.memory_gib:.1f} GiB",
            f"- PostgreSQL: {self.postgres}",
            f"- Python {self.python}, dbt {self.dbt}",
        ]


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


def describe(postgres: str, dbt: str) -> Machine:
    return Machine(
        cores=os.cpu_count() or 0,
        usable_cores=len(os.sched_getaffinity(0)),
        memory_gib=_memory_gib(),
        cpu_model=_cpu_model(),
        postgres=postgres,
        python=platform.python_version(),
        dbt=dbt,
        date=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )
