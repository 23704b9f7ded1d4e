"""A refused command is audited in its own transaction and writes nothing else."""

from __future__ import annotations

import pytest

from dvt.application.audit_ports import AuditQuery
from dvt.application.services import Services
from dvt.domain.runs import IllegalTransition, RunStatus
from tests.runs.conftest import Place
from tests.runs.test_runs import approve_and_trigger


async def test_canceling_a_finished_run_is_refused_audited_and_writes_no_event(app: Services, place: Place) -> None:
    run = await approve_and_trigger(place)
    await app.runs.cancel(place.access, run.id)
    before = await app.runs.events(place.access, run.id, 0, 100)
    with pytest.raises(IllegalTransition):
        await app.runs.cancel(place.access, run.id)
    assert await app.runs.events(place.access, run.id, 0, 100) == before
    refused = await app.audit.log(place.access, AuditQuery(action_prefix="run.illegal_transition"), None, 10)
    assert [(e.event.resource_id, e.event.details) for e in refused.items] == [
        (str(run.id), {"from": RunStatus.CANCELED.value, "to": RunStatus.CANCELED.value})
    ]
