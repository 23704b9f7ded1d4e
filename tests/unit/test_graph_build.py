"""Building the LogicalGraph from a manifest's resources."""

from __future__ import annotations

import uuid

import pytest

from dvt.domain.errors import ArtifactError, ValidationError
from dvt.domain.graph.build import build_graph
from dvt.domain.graph.identity import node_uuid, node_uuids
from dvt.domain.graph.model import ArtifactKind, ArtifactMetadata, EdgeKind, GraphNode, Manifest
from dvt.domain.tenancy import Adapter, check_slug

META = ArtifactMetadata(ArtifactKind.MANIFEST, "v12", "1.11.0", None, None)


def manifest(*nodes: GraphNode) -> Manifest:
    return Manifest(META, nodes)


def node(unique_id: str, *parents: str, tested: str | None = None) -> GraphNode:
    kind = unique_id.split(".")[0]
    return GraphNode(unique_id, kind, unique_id.split(".")[-1], "shop", depends_on=parents, tested_node=tested)


def test_depends_on_becomes_parent_to_child_edges() -> None:
    graph = build_graph(
        manifest(node("source.shop.raw.orders"), node("model.shop.orders", "source.shop.raw.orders")),
        "m.json",
    )
    assert [(e.parent, e.child, e.kind) for e in graph.edges] == [
        ("source.shop.raw.orders", "model.shop.orders", EdgeKind.DEPENDS_ON)
    ]


def test_a_test_is_linked_to_what_it_tests() -> None:
    graph = build_graph(
        manifest(node("model.shop.orders"), node("test.shop.unique_orders", tested="model.shop.orders")),
        "m.json",
    )
    assert [(e.parent, e.child, e.kind) for e in graph.edges] == [
        ("model.shop.orders", "test.shop.unique_orders", EdgeKind.TESTS)
    ]


def test_a_dangling_parent_is_a_warning_not_a_refusal() -> None:
    graph = build_graph(manifest(node("model.shop.orders", "model.other.gone")), "m.json")
    assert graph.edges == ()
    assert graph.warnings == ("model.shop.orders depends on model.other.gone, which the manifest does not hold",)


def test_a_repeated_parent_is_one_edge() -> None:
    graph = build_graph(manifest(node("model.shop.a"), node("model.shop.b", "model.shop.a", "model.shop.a")), "m.json")
    assert len(graph.edges) == 1


def test_a_cycle_is_refused_with_its_path() -> None:
    nodes = (
        node("model.shop.a", "model.shop.c"),
        node("model.shop.b", "model.shop.a"),
        node("model.shop.c", "model.shop.b"),
    )
    with pytest.raises(ArtifactError) as refused:
        build_graph(manifest(*nodes, node("model.shop.d", "model.shop.c")), "m.json")
    assert "model.shop.a -> model.shop.b -> model.shop.c -> model.shop.a" in str(refused.value)
    assert str(refused.value).startswith("m.json (manifest, schema v12)")


def test_node_uuid_depends_only_on_project_and_unique_id() -> None:
    project = uuid.UUID("11111111-2222-3333-4444-555555555555")
    assert node_uuid(project, "model.shop.orders") == node_uuid(project, "model.shop.orders")
    assert node_uuid(project, "model.shop.orders") != node_uuid(uuid.uuid4(), "model.shop.orders")
    assert node_uuid(project, "model.shop.orders").version == 5


def test_node_uuids_of_a_whole_graph_are_each_nodes_node_uuid() -> None:
    # Stored node_uuids must not change with the faster batch path: it is uuid5, computed another way.
    project = uuid.UUID("11111111-2222-3333-4444-555555555555")
    unique_ids = ["model.shop.orders", "source.shop.raw.orders", "test.shop.not_null_orders_id.1a2b", "model.é.ü"]
    batch = node_uuids(project, unique_ids)
    assert batch == {u: node_uuid(project, u) for u in unique_ids}
    assert batch["model.shop.orders"] == uuid.UUID(
        "52f731f9-c7ce-5c3f-9ccd-6c014c9dbbdf"
    )  # as every stored graph has it


@pytest.mark.parametrize("slug", ["", "-shop", "shop-", "Shop", "sh op", "a" * 64])
def test_bad_slugs_are_refused(slug: str) -> None:
    with pytest.raises(ValidationError):
        check_slug("project", slug)


def test_an_unknown_adapter_names_the_known_ones() -> None:
    with pytest.raises(ValidationError, match="duckdb, postgres, snowflake"):
        Adapter.parse("oracle")
