"""dbt's node selection over a graph version, identical to dbt-core 1.11's: selection strings, YAML
selectors, graph operators, set operations, indirect selection of tests, and the state, result and
source_status methods. Standard library only.

    index = GraphIndex.from_manifest(manifest)           # once per graph version
    selection = select(index, ["state:modified+"], state=view)
    selection.unique_ids, selection.reasons["model.p.a"], selection.warnings
"""

from .arguments import check_selection, check_selections, check_selector_name
from .criteria import DEFAULT_INCLUDES, IndirectSelection
from .evaluation import LISTED_RESOURCE_TYPES, Selection, select
from .index import GraphIndex
from .state import SUB_SELECTORS, StateView, fresher_sources

__all__ = [
    "DEFAULT_INCLUDES",
    "LISTED_RESOURCE_TYPES",
    "SUB_SELECTORS",
    "GraphIndex",
    "IndirectSelection",
    "Selection",
    "StateView",
    "check_selection",
    "check_selections",
    "check_selector_name",
    "fresher_sources",
    "select",
]
