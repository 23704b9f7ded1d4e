"""graph nodes and edges checked once per statement instead of a foreign key checked per row
(docs/decisions/0008-graph-rows-checked-per-statement.md)

A foreign key checks each row COPY writes, one index probe and row lock on graph_versions per node and per edge,
queued and run after the last row arrives: with 40,000+ rows a version, the ingestion waited on that after its data
was sent. Triggers now check each statement's rows together (a few distinct versions, one join), and also what the
foreign key never did: that a row's tenant is its version's tenant, and that an edge joins two nodes of its version.
Deleting a version still deletes its nodes and edges.

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FOREIGN_KEYS = {
    "graph_nodes": "fk_graph_nodes_graph_version_id_graph_versions",
    "graph_edges": "fk_graph_edges_graph_version_id_graph_versions",
}


def upgrade() -> None:
    for table, name in _FOREIGN_KEYS.items():
        op.drop_constraint(name, table, type_="foreignkey")
    # A row whose version is not there, or is another tenant's: the whole statement is refused, as a foreign key
    # refuses it (same error code, so callers see the same failure).
    op.execute(
        """
        CREATE FUNCTION graph_rows_of_versions() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            stray uuid;
        BEGIN
            SELECT r.graph_version_id INTO stray
            FROM (SELECT DISTINCT graph_version_id, tenant_id FROM written) r
            WHERE NOT EXISTS (
                SELECT 1 FROM graph_versions v WHERE v.id = r.graph_version_id AND v.tenant_id = r.tenant_id
            )
            LIMIT 1;
            IF FOUND THEN
                RAISE EXCEPTION '% row of graph version % refused: no such version in its tenant', TG_TABLE_NAME, stray
                    USING ERRCODE = 'foreign_key_violation';
            END IF;
            RETURN NULL;
        END
        $$
        """
    )
    # An edge joins two nodes of its own version (checked after its version: triggers fire in name order).
    op.execute(
        """
        CREATE FUNCTION graph_edges_join_nodes() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            version uuid;
            stray uuid;
        BEGIN
            -- As sets, per version (a statement writes one): the ends its edges name, less the nodes it holds,
            -- read on graph_nodes' primary key, not a probe per edge.
            FOR version IN SELECT DISTINCT graph_version_id FROM written LOOP
                SELECT node_uuid INTO stray FROM (
                    SELECT parent_uuid AS node_uuid FROM written WHERE graph_version_id = version
                    UNION
                    SELECT child_uuid FROM written WHERE graph_version_id = version
                    EXCEPT
                    SELECT node_uuid FROM graph_nodes WHERE graph_version_id = version
                ) ends
                LIMIT 1;
                IF FOUND THEN
                    RAISE EXCEPTION 'graph edge refused: version % holds no node %', version, stray
                        USING ERRCODE = 'foreign_key_violation';
                END IF;
            END LOOP;
            RETURN NULL;
        END
        $$
        """
    )
    for table in _FOREIGN_KEYS:
        for event in ("INSERT", "UPDATE"):
            op.execute(
                f"""
                CREATE TRIGGER {table}_{event.lower()}_of_versions AFTER {event} ON {table}
                REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION graph_rows_of_versions()
                """
            )
    for event in ("INSERT", "UPDATE"):
        op.execute(
            f"""
            CREATE TRIGGER graph_edges_{event.lower()}_to_nodes AFTER {event} ON graph_edges
            REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION graph_edges_join_nodes()
            """
        )
    # What ON DELETE CASCADE did: a version's rows go with it, once per statement however many versions it deletes.
    op.execute(
        """
        CREATE FUNCTION graph_versions_take_their_rows() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            DELETE FROM graph_edges WHERE graph_version_id IN (SELECT id FROM gone);
            DELETE FROM graph_nodes WHERE graph_version_id IN (SELECT id FROM gone);
            RETURN NULL;
        END
        $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER graph_versions_take_their_rows AFTER DELETE ON graph_versions
        REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION graph_versions_take_their_rows()
        """
    )
    # TRUNCATE fires no delete trigger: the rows of the versions it empties go with them.
    op.execute(
        """
        CREATE FUNCTION graph_versions_truncate_their_rows() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            TRUNCATE graph_edges, graph_nodes;
            RETURN NULL;
        END
        $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER graph_versions_truncate_their_rows AFTER TRUNCATE ON graph_versions
        FOR EACH STATEMENT EXECUTE FUNCTION graph_versions_truncate_their_rows()
        """
    )
    # A version's id never changes: the foreign key refused that while rows pointed at it.
    op.execute(
        """
        CREATE FUNCTION graph_versions_keep_their_id() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'graph version % keeps its id', OLD.id USING ERRCODE = 'foreign_key_violation';
        END
        $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER graph_versions_keep_their_id BEFORE UPDATE OF id ON graph_versions
        FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION graph_versions_keep_their_id()
        """
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER graph_versions_keep_their_id ON graph_versions")
    op.execute("DROP TRIGGER graph_versions_take_their_rows ON graph_versions")
    op.execute("DROP TRIGGER graph_versions_truncate_their_rows ON graph_versions")
    for event in ("insert", "update"):
        op.execute(f"DROP TRIGGER graph_edges_{event}_to_nodes ON graph_edges")
        for table in _FOREIGN_KEYS:
            op.execute(f"DROP TRIGGER {table}_{event}_of_versions ON {table}")
    for function in (
        "graph_versions_keep_their_id",
        "graph_versions_take_their_rows",
        "graph_versions_truncate_their_rows",
        "graph_edges_join_nodes",
        "graph_rows_of_versions",
    ):
        op.execute(f"DROP FUNCTION {function}()")
    for table, name in _FOREIGN_KEYS.items():
        op.create_foreign_key(name, table, "graph_versions", ["graph_version_id"], ["id"], ondelete="CASCADE")
