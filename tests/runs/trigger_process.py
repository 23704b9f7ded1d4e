"""A process of its own that triggers one run, for tests that kill it with SIGKILL.

    python -m tests.runs.trigger_process TENANT ENVIRONMENT PLAN KEY MODE

Settings come from the `DVT_*` environment. MODE `wait`: trigger, print the run's id and wait to be killed.
MODE `die-before-dispatch`: the process kills itself inside the trigger's transaction, once the run row and its
`queued` event are written and just before the run's dispatch (the step that once committed separately).
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import uuid
from typing import Any

from dvt.application.access import Access
from dvt.application.run_dispatch import RunDispatcher
from dvt.bootstrap import services
from dvt.config import Settings
from dvt.domain.runs import Trigger
from dvt.domain.tenancy import TenantScope


async def main(tenant: str, environment: str, plan: str, key: str, mode: str) -> None:
    if mode == "die-before-dispatch":

        async def die(*_: Any) -> int:
            print("dying", flush=True)
            os.kill(os.getpid(), signal.SIGKILL)
            raise AssertionError("unreachable")

        RunDispatcher.dispatch_in = die  # type: ignore[method-assign]
    async with services(Settings(), migrate=False) as built:
        access = Access.system(TenantScope(uuid.UUID(tenant)))
        run = await built.runs.trigger(
            access, uuid.UUID(environment), plan_id=uuid.UUID(plan), trigger=Trigger.API, idempotency_key=key
        )
        print(f"run {run.id} {run.status}", flush=True)
        sys.stdin.read()  # until killed


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:6]))
