"""Matching a node's fully qualified name against a selector, as dbt's `is_selected_node` does.

`a` matches a node named a, or every node whose fqn starts with a (its package, or its first folder
once the package is dropped); `a.b` matches fqn prefixes part by part, where dots inside a name (model
versions, packages) split it further. From the first part holding `*`, `?`, `[` or `]`, the rest of the
fqn is matched as one glob, with dots; a bare glob without dots also matches the name alone.
A versioned model answers to its name, to `name.v2` and to `name_v2`.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

_WILDCARDS = ("*", "?", "[", "]")


def is_selected_node(fqn: tuple[str, ...], selector: str, is_versioned: bool) -> bool:
    if not fqn:
        return False
    if is_versioned:
        if len(fqn) >= 2 and fqn[-2] == selector:
            return True
        if "_".join(fqn[-2:]) == "_".join(selector.split(".")[-2:]):
            return True
    elif fqn[-1] == selector:
        return True
    flat_fqn = [item for segment in fqn for item in segment.split(".")]
    parts = selector.split(".")
    if len(flat_fqn) < len(parts):
        return False
    for i, part in enumerate(parts):
        if any(wildcard in part for wildcard in _WILDCARDS):
            if fnmatchcase(".".join(flat_fqn[i:]), ".".join(parts[i:])):
                return True
            if "." not in selector:
                leaf = fqn[-2] if is_versioned and len(fqn) >= 2 else fqn[-1]
                return fnmatchcase(leaf, selector)
            return False
        if flat_fqn[i] != part:
            return False
    return True


def fqn_matches(fqn: tuple[str, ...], selector: str, is_versioned: bool) -> bool:
    """The fqn with its package, or without it: `staging.orders` matches across packages."""
    return is_selected_node(fqn, selector, is_versioned) or is_selected_node(fqn[1:], selector, is_versioned)
