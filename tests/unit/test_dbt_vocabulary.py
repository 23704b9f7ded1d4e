"""dbt's open vocabularies: a word this DVT does not know reads UNKNOWN instead of failing."""

from __future__ import annotations

import pytest

from dvt.domain.graph.model import ResourceType
from dvt.domain.runs import NodeStatus


@pytest.mark.parametrize(
    ("text", "member"),
    [("model", ResourceType.MODEL), ("semantic_model", ResourceType.SEMANTIC_MODEL), ("widget", ResourceType.UNKNOWN)],
)
def test_a_resource_type_reads_its_member_or_unknown(text: str, member: ResourceType) -> None:
    assert ResourceType.read(text) is member


@pytest.mark.parametrize(
    ("text", "member"),
    [
        ("success", NodeStatus.SUCCESS),
        ("runtime error", NodeStatus.RUNTIME_ERROR),
        ("no-op", NodeStatus.NO_OP),
        ("Pass", NodeStatus.PASS),  # dbt Fusion capitalises
        ("not_run", NodeStatus.NOT_RUN),
        ("sparkled", NodeStatus.UNKNOWN),
        ("", NodeStatus.UNKNOWN),
    ],
)
def test_a_node_status_reads_its_member_or_unknown(text: str, member: NodeStatus) -> None:
    assert NodeStatus.read(text) is member
