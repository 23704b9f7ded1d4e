"""manifest.json (schema v1 to v12, and pre-v1) into GraphNodes: one pass over the parsed dicts.

Manifest.nodes lists the `nodes` map first, then sources, exposures, metrics, semantic models, saved
queries, unit tests and functions, each in the file's order.
"""

from __future__ import annotations

import hashlib
import time
from hashlib import blake2b
from typing import Any

import orjson
from orjson import dumps

from dvt.domain.graph.model import Column, GraphNode, Macro, NodeOutline, OpenManifest, StoredNode

from .envelope import Envelope, JsonDict, forward_slashes, json_type, lf

# Every map of resources a manifest may hold, in the order Manifest.nodes lists them.
SECTIONS = ("nodes", "sources", "exposures", "metrics", "semantic_models", "saved_queries", "unit_tests")
_FUNCTIONS = "functions"  # dbt 1.11+ user-defined functions: listed and counted only where the file has some
_RELEASED_AT_ONCE = 256  # parsed nodes freed between two offers of the interpreter to other threads


def open_manifest(env: Envelope, document: JsonDict) -> OpenManifest:
    """The manifest checked at its top level, its macros read; its nodes are normalised when asked for."""
    env.required(document, "nodes", dict)
    counts: dict[str, int] = {}
    entries: list[tuple[str, str, Any]] = []
    for section in (*SECTIONS, _FUNCTIONS):
        found = env.mapping(document.get(section), repr(section))
        if section == _FUNCTIONS and not found:
            continue
        counts[section] = len(found)
        entries.extend((section, key, entry) for key, entry in found.items())
    selectors = env.mapping(document.get("selectors"), "'selectors'")
    macros = _macros(env, env.mapping(document.get("macros"), "'macros'"))

    def parts(start: int, stop: int) -> list[_Parts]:
        try:
            return [_graph_node(env, section, key, entry) for section, key, entry in entries[start:stop]]
        except IndexError as exc:  # as read_artifact words it: a shape no check foresaw (the others, per node)
            raise env.error(f"unexpected structure ({type(exc).__name__}: {exc})") from None

    def read_nodes(start: int, stop: int) -> list[StoredNode]:
        return [_stored(*p) for p in parts(start, stop)]

    def graph_nodes() -> tuple[GraphNode, ...]:
        return tuple(_whole(*p) for p in parts(0, len(entries)))

    def release() -> None:
        # A few hundred nodes at a time, with the interpreter offered to other threads between: a caller releases
        # in a thread while its own thread waits on the database, and must not wait seconds' worth of switches.
        while entries:
            del entries[-_RELEASED_AT_ONCE:]
            time.sleep(0)

    return OpenManifest(env.metadata, counts, selectors, macros, len(entries), read_nodes, graph_nodes, release)


def _macros(env: Envelope, entries: JsonDict) -> dict[str, Macro]:
    """Each macro's checksum (sha256 of its SQL) and the macros it calls: what `state:modified.macros` follows."""
    macros: dict[str, Macro] = {}
    sha256 = hashlib.sha256
    for key, macro in entries.items():
        where = f"macros[{key!r}]"
        if type(macro) is not dict:
            raise env.error(f"{where} is a JSON {json_type(macro)}, expected an object")
        sql = macro.get("macro_sql")
        package_name = macro.get("package_name")
        depends_on = macro.get("depends_on")
        if depends_on is None:
            calls: tuple[str, ...] = ()
        elif type(depends_on) is dict:
            calls = env.strings(depends_on.get("macros"), where, ".depends_on.macros")
        else:
            raise env.error(f"{where}.depends_on is a JSON {json_type(depends_on)}, expected an object")
        if type(sql) is not str:
            sql = env.text(sql, where, ".macro_sql") or ""
        if package_name is not None and type(package_name) is not str:
            package_name = env.text(package_name, where, ".package_name")
        macros[key] = Macro(sha256(sql.encode()).hexdigest(), calls, package_name or "")
    return macros


def _graph_node(env: Envelope, section: str, key: str, node: Any) -> _Parts:
    where = f"{section}[{key!r}]"
    if not isinstance(node, dict):
        raise env.error(f"{where} is a JSON {json_type(node)}, expected an object")
    unique_id = node.get("unique_id")
    if not unique_id or not isinstance(unique_id, str):
        raise env.error(
            f"{where} has no 'unique_id'"
            if unique_id is None
            else f"{where}.unique_id is a JSON {json_type(unique_id)}, expected a non-empty string"
        )
    resource_type = node.get("resource_type")
    if not resource_type or not isinstance(resource_type, str):
        raise env.error(
            f"{where} has no 'resource_type'"
            if resource_type is None
            else f"{where}.resource_type is a JSON {json_type(resource_type)}, expected a non-empty string"
        )
    try:
        return _normalise(env, where, unique_id, resource_type, node)
    except (TypeError, ValueError, AttributeError, KeyError) as exc:  # a shape no check above foresaw
        raise env.error(f"{where} has an unexpected shape ({type(exc).__name__}: {exc})") from None


# The node's plain-text fields, in the order _normalise reads them; named for error messages.
_TEXT_FIELDS = (
    ".name", ".package_name", ".original_file_path", ".description", ".access", ".group", ".language",
    ".raw_code", ".compiled_code", ".checksum", ".database", ".schema", ".alias", ".relation_name",
    ".attached_node", ".version", ".latest_version",
)  # fmt: skip


# A node's GraphNode fields in three dicts: those before `config`, `config`, and those after (but the fingerprint).
_Parts = tuple[JsonDict, JsonDict, JsonDict]


def _normalise(env: Envelope, where: str, unique_id: str, resource_type: str, node: JsonDict) -> _Parts:
    get = node.get
    config = env.mapping(get("config"), where, ".config")
    meta = env.mapping(get("meta"), where, ".meta") or env.mapping(config.get("meta"), where, ".config.meta")

    depends_on = get("depends_on")
    if depends_on is None:
        parents: tuple[str, ...] = ()
        macros: tuple[str, ...] = ()
    elif isinstance(depends_on, dict):
        parents = env.strings(depends_on.get("nodes"), where, ".depends_on.nodes")
        if len(parents) > 1:
            parents = tuple(dict.fromkeys(parents))
        macros = env.strings(depends_on.get("macros"), where, ".depends_on.macros")
    else:
        raise env.error(
            f"{where}.depends_on is a JSON {json_type(depends_on)}, expected an object with 'nodes' and 'macros'"
        )

    checksum = get("checksum")
    if type(checksum) is dict:
        checksum = checksum.get("checksum")
    texts = [
        get("name"),
        get("package_name"),
        get("original_file_path") or get("path"),
        get("description"),
        get("access") or config.get("access"),
        get("group") or config.get("group"),
        get("language"),
        node["raw_code"] if "raw_code" in node else get("raw_sql"),  # v1-v6: raw_sql
        node["compiled_code"] if "compiled_code" in node else get("compiled_sql"),
        checksum,
        get("database"),
        get("schema"),
        get("identifier") if resource_type == "source" else get("alias"),
        get("relation_name"),
        get("attached_node"),
        get("version"),
        get("latest_version"),
    ]
    for value in texts:
        if value is not None and type(value) is not str:  # rare: check each for a precise error
            texts = [env.text(v, where, field) for v, field in zip(texts, _TEXT_FIELDS, strict=True)]
            break
    (
        name, package_name, path, description, access, group, language, raw_code, compiled_code, checksum,
        database, schema, alias, relation_name, attached_node, version, latest_version,
    ) = texts  # fmt: skip
    if language is None and "raw_sql" in node:
        language = "sql"  # v1-v6 predate Python models: their code is SQL

    test_metadata = get("test_metadata")
    if test_metadata is not None and type(test_metadata) is not dict:
        raise env.error(f"{where}.test_metadata is a JSON {json_type(test_metadata)}, expected an object")
    tested_node = None
    if resource_type == "test":
        tested_node = attached_node
        if tested_node is None and test_metadata is not None and len(parents) == 1:
            tested_node = parents[0]
    elif resource_type == "unit_test" and len(parents) == 1:
        tested_node = parents[0]

    owner_field = get("owner")
    if type(owner_field) is dict:
        owner = env.text(owner_field.get("name"), where, ".owner.name") or env.text(
            owner_field.get("email"), where, ".owner.email"
        )
    else:
        owner = owner_field if type(owner_field) is str else None
    if owner is None:
        meta_owner = meta.get("owner")
        owner = meta_owner if type(meta_owner) is str else None

    contract = get("contract")
    contract_enforced = type(contract) is dict and contract.get("enforced") is True
    contract_checksum = contract.get("checksum") if type(contract) is dict else None
    if contract_checksum is not None and type(contract_checksum) is not str:
        contract_checksum = env.text(contract_checksum, where, ".contract.checksum")
    if not contract_enforced:
        contract = config.get("contract")
        contract_enforced = type(contract) is dict and contract.get("enforced") is True

    materialized = config.get("materialized")
    columns = get("columns")
    head = {
        "unique_id": unique_id,
        "resource_type": resource_type,
        "name": name or unique_id.rsplit(".", 1)[-1],
        "package_name": package_name or "",
        "path": forward_slashes(path) if path else None,
        "fqn": env.strings(get("fqn"), where, ".fqn"),
        "tags": env.strings(get("tags"), where, ".tags"),
        "materialized": materialized if type(materialized) is str else None,
    }
    tail = {
        "description": lf(description) if description else "",
        "meta": meta,
        "owner": owner,
        "access": access,
        "group": group,
        "version": version,
        "latest_version": latest_version,
        "contract_enforced": contract_enforced,
        "checksum": checksum,
        "language": language,
        "raw_code": lf(raw_code) if raw_code else raw_code,
        "compiled_code": lf(compiled_code) if compiled_code else compiled_code,
        "database": database,
        "schema": schema,
        "alias": alias,
        "relation_name": relation_name,
        "columns": _columns(env, where, columns) if columns else (),
        "depends_on": parents,
        "depends_on_macros": macros,
        "tested_node": tested_node,
        "test_metadata": test_metadata,
        "extra": _extra(resource_type, node, config),
        "unrendered_config": env.mapping(get("unrendered_config"), where, ".unrendered_config"),
        "contract_checksum": contract_checksum,
    }
    return head, config, tail


def _encoded(head: JsonDict, config: JsonDict, tail: JsonDict) -> tuple[bytes, str]:
    """The node's document and fingerprint, encoded once: the parts are encoded apart and joined as orjson
    encodes the whole GraphNode (byte for byte, so every reader of a stored node reads the same), and the
    fingerprint is the digest of all of it but the rendered config."""
    before, after = dumps(head), dumps(tail)
    digest = blake2b(before, digest_size=16)
    digest.update(after)
    fingerprint = digest.hexdigest()
    document = b"".join(
        (before[:-1], b',"config":', dumps(config), b",", after[1:-1], b',"fingerprint":"', fingerprint.encode(), b'"}')
    )
    return document, fingerprint


def _stored(head: JsonDict, config: JsonDict, tail: JsonDict) -> StoredNode:
    document, _ = _encoded(head, config, tail)
    outline = NodeOutline(
        head["unique_id"],
        head["resource_type"],
        head["name"],
        head["package_name"],
        head["path"],
        head["tags"],
        head["materialized"],
        tail["checksum"],
        tail["depends_on"],
        tail["tested_node"],
    )
    return StoredNode(outline, document)


def _whole(head: JsonDict, config: JsonDict, tail: JsonDict) -> GraphNode:
    _, fingerprint = _encoded(head, config, tail)
    columns = tuple(Column(**column) for column in tail["columns"])
    return GraphNode(**head, config=config, **{**tail, "columns": columns}, fingerprint=fingerprint)


def _columns(env: Envelope, where: str, columns: Any) -> tuple[JsonDict, ...]:
    if not isinstance(columns, dict):
        raise env.error(f"{where}.columns is a JSON {json_type(columns)}, expected an object")
    result = []
    for key, column in columns.items():
        if type(column) is not dict:
            raise env.error(f"{where}.columns[{key!r}] is a JSON {json_type(column)}, expected an object")
        name = column.get("name") or key
        data_type = column.get("data_type")
        description = column.get("description") or ""
        meta = column.get("meta")
        tags = column.get("tags")
        if not meta or not tags:
            column_config = column.get("config")
            if column_config:
                meta = meta or column_config.get("meta")
                tags = tags or column_config.get("tags")
        if (
            type(name) is not str
            or (data_type is not None and type(data_type) is not str)
            or type(description) is not str
            or (meta and type(meta) is not dict)
            or (tags and (type(tags) is not list or not all(type(tag) is str for tag in tags)))
        ):  # rare: validate field by field for a precise error (numbers are accepted as text)
            at = f"{where}.columns[{key!r}]"
            name, data_type = env.text(name, at, ".name") or key, env.text(data_type, at, ".data_type")
            description = env.text(description, at, ".description") or ""
            meta, tags = env.mapping(meta, at, ".meta"), env.strings(tags, at, ".tags")
        # A Column's fields, in its order, as a dict: encoded the same, and far cheaper to make (see _whole).
        result.append(
            {
                "name": name,
                "data_type": data_type,
                "description": lf(description) if description else "",
                "index": None,
                "meta": meta or {},
                "tags": tuple(tags) if tags else (),
                "comment": None,
            }
        )
    return tuple(result)


def _names(items: Any) -> list[Any]:
    """The `name` of each entry of a list of objects (semantic-model entities, saved-query exports, ...)."""
    if not isinstance(items, list):
        return []
    return [item.get("name") for item in items if isinstance(item, dict)]


def _definition_checksum(parts: list[Any]) -> str:
    """sha256 of what dbt compares to decide that a semantic model or saved query was modified."""
    return hashlib.sha256(orjson.dumps(parts, option=orjson.OPT_SORT_KEYS)).hexdigest()


def _saved_query_checksum(node: JsonDict, config: JsonDict) -> str:
    params = node.get("query_params")
    if type(params) is not dict:
        params = {}
    exports = node.get("exports")
    compared_exports = []
    for export in exports if type(exports) is list else ():
        if type(export) is dict:
            unrendered = export.get("unrendered_config")
            if type(unrendered) is not dict:
                unrendered = {}
            compared_exports.append(
                [export.get("name")] + [unrendered.get(key) for key in ("export_as", "schema", "alias")]
            )
    parts = [params.get(key) for key in ("metrics", "group_by", "where")]
    parts += [node.get(key) for key in ("description", "label", "group", "tags")]
    return _definition_checksum([*parts, config, compared_exports])


def _extra(resource_type: str, node: JsonDict, config: JsonDict) -> JsonDict:
    """Type-specific fields, by reference (no copies); keys whose value is null are left out."""
    get = node.get
    if resource_type in ("model", "seed", "snapshot", "analysis", "operation", "sql_operation"):
        fields: dict[str, Any] = {"deprecation_date": get("deprecation_date")}
        constraints = get("constraints")
        if constraints:
            fields["constraints"] = constraints
    elif resource_type == "test":
        fields = {"column_name": get("column_name"), "severity": config.get("severity")}
    elif resource_type == "source":
        fields = {
            "source_name": get("source_name"),
            "source_description": get("source_description") or None,
            "loader": get("loader") or None,
            "freshness": get("freshness"),
            "loaded_at_field": get("loaded_at_field"),
            "external": get("external"),
            "quoting": get("quoting") or None,
            # v12 (dbt 1.9+): database and schema as configured, before rendering
            "unrendered_database": get("unrendered_database"),
            "unrendered_schema": get("unrendered_schema"),
        }
    elif resource_type == "exposure":
        fields = {
            "type": get("type"),
            "url": get("url"),
            "maturity": get("maturity"),
            "owner": get("owner"),
            "label": get("label"),
        }
    elif resource_type == "metric":
        fields = {
            "label": get("label"),
            "type": get("type"),  # simple/ratio/derived/... (v10+); count/sum/... in v4-v6
            "calculation_method": get("calculation_method"),  # v7-v9
            "expression": get("expression") or get("sql"),
            "type_params": get("type_params"),
            "filter": get("filter"),
            "timestamp": get("timestamp"),
            "time_grains": get("time_grains"),
        }
    elif resource_type == "semantic_model":
        fields = {
            "model": get("model"),
            "label": get("label"),
            "entities": _names(get("entities")),
            "measures": _names(get("measures")),
            "dimensions": _names(get("dimensions")),
            "node_relation": get("node_relation"),
            "primary_entity": get("primary_entity"),
            "defaults": get("defaults"),
            "definition_checksum": _definition_checksum(
                [get(key) for key in ("model", "description", "defaults", "entities", "dimensions", "measures")]
                + [config, get("primary_entity"), get("group")]
            ),
        }
    elif resource_type == "saved_query":
        fields = {
            "label": get("label"),
            "query_params": get("query_params"),
            "exports": _names(get("exports")),
            "definition_checksum": _saved_query_checksum(node, config),
        }
    elif resource_type == "unit_test":
        given = get("given")
        inputs = [g.get("input") for g in given if isinstance(g, dict)] if isinstance(given, list) else []
        fields = {"model": get("model"), "given": inputs, "versions": get("versions")}
    elif resource_type == "function":
        fields = {"type": get("type"), "returns": get("returns"), "arguments": get("arguments")}
    else:
        return {}
    return {k: v for k, v in fields.items() if v is not None}
