"""The selection methods (`tag:`, `path:`, `config.*:`, `state:`, ...), each matching exactly the resources
dbt-core 1.11's selector_methods.py matches. Globs use fnmatch, case-sensitive as dbt is on POSIX.

Each method reads the resources of the manifest maps dbt reads for it: `fqn:` skips sources, `config.*:`
reads only nodes and sources, `access:` and `version:` only models, `group:` nodes and metrics.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from dvt.domain.errors import ValidationError

from .index import GraphIndex
from .names import fqn_matches
from .paths import PathParts, glob_matches, split_path
from .state import StateView

ALL = ("nodes", "sources", "exposures", "metrics", "unit_tests", "semantic_models", "saved_queries", "functions")
NON_SOURCE = tuple(s for s in ALL if s != "sources")

NODE_TYPES = frozenset(
    {
        "model", "analysis", "test", "snapshot", "operation", "seed", "rpc", "sql_operation", "doc", "source",
        "macro", "exposure", "metric", "group", "saved_query", "semantic_model", "unit_test", "fixture", "function",
    }
)  # fmt: skip

STATE_SELECTORS = (
    "new", "old", "modified", "unmodified", "modified.body", "modified.configs",
    "modified.persisted_descriptions", "modified.relation", "modified.macros", "modified.contract",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Evidence:
    """What some methods compare against: previous state, last run statuses, source freshness."""

    state: StateView | None = None
    results: Mapping[str, str] | None = None  # unique_id -> status of the environment's last run
    source_status: Mapping[str, str] | None = None  # unique_id -> "fresher" (see state.fresher_sources)


Search = Callable[[GraphIndex, tuple[str, ...], Any, Evidence], Iterable[str]]


def search(index: GraphIndex, method: str, arguments: tuple[str, ...], value: Any, evidence: Evidence) -> set[str]:
    return set(METHODS[method](index, arguments, value, evidence))


def _fqn(index: GraphIndex, arguments: tuple[str, ...], value: Any, evidence: Evidence) -> Iterator[str]:
    selector = str(value)
    nodes = index.nodes
    if selector == "*":  # what every selection without --select starts from: any fqn matches
        yield from (unique_id for unique_id in index.section(*NON_SOURCE) if nodes[unique_id].fqn)
        return
    for unique_id in index.section(*NON_SOURCE):
        node = nodes[unique_id]
        if fqn_matches(node.fqn, selector, node.resource_type == "model" and node.version is not None):
            yield unique_id


def _tag(index: GraphIndex, arguments: tuple[str, ...], value: Any, evidence: Evidence) -> Iterator[str]:
    pattern = str(value)
    for unique_id in index.section(*ALL):
        if any(fnmatchcase(tag, pattern) for tag in index.nodes[unique_id].tags):
            yield unique_id


def _group(index: GraphIndex, arguments: tuple[str, ...], value: Any, evidence: Evidence) -> Iterator[str]:
    pattern = str(value)
    for unique_id in index.section("nodes", "metrics"):
        group = index.nodes[unique_id].config.get("group")
        if group and fnmatchcase(str(group), pattern):
            yield unique_id


def _access(index: GraphIndex, arguments: tuple[str, ...], value: Any, evidence: Evidence) -> Iterator[str]:
    for unique_id in index.section("nodes"):
        node = index.nodes[unique_id]
        if node.resource_type == "model" and value == node.access:
            yield unique_id


def _source(index: GraphIndex, arguments: tuple[str, ...], value: Any, evidence: Evidence) -> Iterator[str]:
    parts = str(value).split(".")
    package = "*"
    if len(parts) == 1:
        source, table = parts[0], "*"
    elif len(parts) == 2:
        source, table = parts
    elif len(parts) == 3:
        package, source, table = parts
    else:
        raise ValidationError(
            f'Invalid source selector value "{value}". Sources must be of the form `${{source_name}}`, '
            "`${source_name}.${target_name}`, or `${package_name}.${source_name}.${target_name}`"
        )
    for unique_id in index.section("sources"):
        node = index.nodes[unique_id]
        if (
            fnmatchcase(node.package_name, package)
            and fnmatchcase(str(node.extra.get("source_name", "")), source)
            and fnmatchcase(node.name, table)
        ):
            yield unique_id


def _by_package_and_name(section: str, label: str) -> Search:
    def search(index: GraphIndex, arguments: tuple[str, ...], value: Any, evidence: Evidence) -> Iterator[str]:
        parts = str(value).split(".")
        if len(parts) == 1:
            package, name = "*", parts[0]
        elif len(parts) == 2:
            package, name = parts
        else:
            raise ValidationError(
                f'Invalid {label} selector value "{value}". It must be of the form ${{name}} or ${{package.name}}'
            )
        for unique_id in index.section(section):
            node = index.nodes[unique_id]
            if fnmatchcase(node.package_name, package) and fnmatchcase(node.name, name):
                yield unique_id

    return search


def _path(index: GraphIndex, arguments: tuple[str, ...], value: Any, evidence: Evidence) -> Iterator[str]:
    pattern = str(value)
    existing: set[tuple[PathParts, bool]] | None = None
    globbed: dict[tuple[PathParts, bool], bool] = {}
    under: dict[PathParts, bool] = {}  # a folder or one above it was globbed
    files: dict[str, bool] = {}  # original_file_path -> it, or a folder above it, was globbed

    def found(path: PathParts, is_dir: bool, in_root: bool) -> bool:
        nonlocal existing
        if not in_root:  # a package's node names a path of the package: dbt finds it only if the root has it
            if existing is None:
                existing = _root_project_paths(index)
            if (path, is_dir) not in existing:
                return False
        key = (path, is_dir)
        if key not in globbed:
            globbed[key] = glob_matches(pattern, path, is_dir)
        return globbed[key]

    def folder_found(folder: PathParts, in_root: bool) -> bool:
        if not in_root:
            return any(found(folder[:k], True, False) for k in range(len(folder), -1, -1))
        if folder not in under:
            under[folder] = found(folder, True, True) or (bool(folder) and folder_found(folder[:-1], True))
        return under[folder]

    for unique_id in index.section(*ALL):
        node = index.nodes[unique_id]
        in_root = index.project_name is None or node.package_name == index.project_name
        hit = False
        if node.path:
            if in_root and node.path in files:
                hit = files[node.path]
            else:
                ofp = split_path(node.path)
                hit = found(ofp, False, in_root) or folder_found(ofp[:-1], in_root)
                if in_root:
                    files[node.path] = hit
        patch = index.patch_paths.get(unique_id)
        if hit or (patch and found(split_path(patch.split("://", 1)[-1]), False, in_root)):
            yield unique_id


def _root_project_paths(index: GraphIndex) -> set[tuple[PathParts, bool]]:
    """The files and folders of the root project the manifest shows (read only for packages' nodes)."""
    paths: set[tuple[PathParts, bool]] = set()
    if index.project_name is None or all(
        index.nodes[u].package_name == index.project_name for u in index.section(*ALL)
    ):
        return paths
    for unique_id in index.section(*ALL):
        node = index.nodes[unique_id]
        if node.package_name != index.project_name or not node.path:
            continue
        ofp = split_path(node.path)
        paths.add((ofp, False))
        paths.update((ofp[:k], True) for k in range(len(ofp)))
        patch = index.patch_paths.get(unique_id)
        if patch:
            paths.add((split_path(patch.split("://", 1)[-1]), False))
    return paths


def _file(index: GraphIndex, arguments: tuple[str, ...], value: Any, evidence: Evidence) -> Iterator[str]:
    pattern = str(value)
    for unique_id in index.section(*ALL):
        path = index.nodes[unique_id].path
        parts = split_path(path) if path else ()
        name = parts[-1] if parts else ""
        dot = name.rfind(".")
        stem = name[:dot] if 0 < dot < len(name) - 1 else name
        if fnmatchcase(name, pattern) or fnmatchcase(stem, pattern):
            yield unique_id


def _package(index: GraphIndex, arguments: tuple[str, ...], value: Any, evidence: Evidence) -> Iterator[str]:
    pattern = str(value)
    if pattern == "this" and index.project_name is not None:
        pattern = index.project_name
    for unique_id in index.section(*ALL):
        if fnmatchcase(index.nodes[unique_id].package_name, pattern):
            yield unique_id


class _CaseInsensitive(str):
    """dbt compares `config.severity:` values, and "true"/"false", regardless of case."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            return self.upper() == other.upper()
        return self.upper() == other

    __hash__ = str.__hash__


_MISSING = object()


def _config_value(config: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = config
    for key in path:
        if isinstance(value, Mapping) and key in value:
            value = value[key]
        else:
            return _MISSING
    return value


def _config(index: GraphIndex, arguments: tuple[str, ...], value: Any, evidence: Evidence) -> Iterator[str]:
    selector: Any = _CaseInsensitive(value) if arguments == ("severity",) else value
    flag = _CaseInsensitive(selector)
    wants_true, wants_false = flag == "true", flag == "false"
    for unique_id in index.section("nodes", "sources"):
        found = _config_value(index.nodes[unique_id].config, arguments)
        if found is _MISSING or not arguments:
            continue
        if isinstance(found, list):
            if selector in found or (wants_true and True in found) or (wants_false and False in found):
                yield unique_id
        elif selector == found or (wants_true and found is True) or (wants_false and found is False):
            yield unique_id


def _resource_type(index: GraphIndex, arguments: tuple[str, ...], value: Any, evidence: Evidence) -> Iterator[str]:
    if value not in NODE_TYPES:
        raise ValidationError(f'Invalid resource_type selector "{value}"')
    for unique_id in index.section(*ALL):
        if index.nodes[unique_id].resource_type == value:
            yield unique_id


def _test_name(index: GraphIndex, arguments: tuple[str, ...], value: Any, evidence: Evidence) -> Iterator[str]:
    pattern = str(value)
    for unique_id in index.section("nodes", "unit_tests"):
        node = index.nodes[unique_id]
        if node.resource_type == "test" and node.test_metadata is not None:
            if fnmatchcase(str(node.test_metadata.get("name", "")), pattern):
                yield unique_id
        elif node.resource_type == "unit_test" and fnmatchcase(node.name, pattern):
            yield unique_id


def _test_type(index: GraphIndex, arguments: tuple[str, ...], value: Any, evidence: Evidence) -> Iterator[str]:
    selector = str(value)
    # dbt tests these with `in` against plain strings: any part of "data", "singular" or "unit" is accepted.
    if selector in ("generic", "schema"):
        kinds = {"generic"}
    elif selector in "data":
        kinds = {"generic", "singular"}
    elif selector in "singular":
        kinds = {"singular"}
    elif selector in "unit":
        kinds = {"unit"}
    else:
        raise ValidationError(
            f'Invalid test type selector {selector}: expected "generic", "singular", "unit", or "data"'
        )
    for unique_id in index.section("nodes", "unit_tests"):
        node = index.nodes[unique_id]
        if node.resource_type == "unit_test":
            kind = "unit"
        elif node.resource_type == "test":
            kind = "generic" if node.test_metadata is not None else "singular"
        else:
            continue
        if kind in kinds:
            yield unique_id


def _state(index: GraphIndex, arguments: tuple[str, ...], value: Any, evidence: Evidence) -> Iterator[str]:
    view = evidence.state
    if view is None:
        raise ValidationError(f"state:{value} needs a previous state to compare with (dbt's --state); none was given")
    if value not in STATE_SELECTORS:
        raise ValidationError(f'Got an invalid selector "{value}", expected one of "{list(STATE_SELECTORS)}"')
    kind = str(value)
    sub = kind.removeprefix("modified.")
    for unique_id in index.section(*ALL):
        if kind == "new":
            hit = view.is_new(unique_id)
        elif kind == "old":
            hit = not view.is_new(unique_id)
        elif kind == "modified":
            hit = view.is_modified(unique_id)
        elif kind == "unmodified":
            hit = not view.is_modified(unique_id)
        else:
            hit = sub in view.modifications(unique_id)
        if hit:
            yield unique_id


def _result(index: GraphIndex, arguments: tuple[str, ...], value: Any, evidence: Evidence) -> Iterator[str]:
    if evidence.results is None:
        raise ValidationError(f"result:{value} needs the statuses of the environment's last run; none were given")
    results = evidence.results
    for unique_id in index.section(*ALL):
        if results.get(unique_id) == value:
            yield unique_id


def _source_status(index: GraphIndex, arguments: tuple[str, ...], value: Any, evidence: Evidence) -> Iterator[str]:
    if evidence.source_status is None:
        raise ValidationError(
            f"source_status:{value} needs the previous and current source freshness results; none were given"
        )
    if value != "fresher":  # dbt knows no other status: it selects nothing
        return
    statuses = evidence.source_status
    for unique_id in index.section(*ALL):
        if statuses.get(unique_id) == "fresher":
            yield unique_id


def _version_key(version: str) -> float | str:
    try:
        return float(version)
    except ValueError:
        return version


def _older(a: str, b: str) -> bool:
    """dbt's UnparsedVersion order: as numbers when both read as numbers, else as text."""
    x, y = _version_key(a), _version_key(b)
    if isinstance(x, float) and isinstance(y, float):
        return x < y
    return a < b


def _version(index: GraphIndex, arguments: tuple[str, ...], value: Any, evidence: Evidence) -> Iterator[str]:
    if value not in ("latest", "prerelease", "old", "none"):
        raise ValidationError(
            f'Invalid version type selector {value}: expected one of: "latest", "prerelease", "old", or "none"'
        )
    for unique_id in index.section("nodes"):
        node = index.nodes[unique_id]
        if node.resource_type != "model":
            continue
        version, latest = node.version, node.latest_version
        if value == "latest":
            hit = version is not None and version == latest
        elif value == "none":
            hit = version is None
        elif not version or not latest:
            hit = False
        else:
            hit = _older(latest, version) if value == "prerelease" else _older(version, latest)
        if hit:
            yield unique_id


METHODS: dict[str, Search] = {
    "fqn": _fqn,
    "tag": _tag,
    "group": _group,
    "access": _access,
    "source": _source,
    "path": _path,
    "file": _file,
    "package": _package,
    "config": _config,
    "test_name": _test_name,
    "test_type": _test_type,
    "resource_type": _resource_type,
    "state": _state,
    "exposure": _by_package_and_name("exposures", "exposure"),
    "metric": _by_package_and_name("metrics", "metric"),
    "result": _result,
    "source_status": _source_status,
    "version": _version,
    "semantic_model": _by_package_and_name("semantic_models", "semantic model"),
    "saved_query": _by_package_and_name("saved_queries", "saved query"),
    "unit_test": _by_package_and_name("unit_tests", "unit test"),
}
