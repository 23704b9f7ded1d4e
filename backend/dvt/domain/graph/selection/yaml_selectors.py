"""YAML selectors (selectors.yml, as the manifest's `selectors` map holds them) into selection specs,
following dbt/graph/cli.py `parse_from_definition` rule for rule.

A definition is a criterion string (`"tag:nightly+"`), a method dict (`{tag: nightly}` or
`{method: tag, value: nightly, parents: true, children_depth: 2, indirect_selection: cautious,
exclude: [...]}`), a reference to an earlier selector (`{method: selector, value: name}`), or a
`union:`/`intersection:` list whose items may include one `{exclude: [...]}`.

Two things dbt does that are easy to miss, mirrored here: a YAML union, intersection or exclusion
combines its parts in eager mode whatever `--indirect-selection` says (only its criteria take the
flag, unless they set `indirect_selection`), and the manifest stores criterion strings already split
into method dicts whose depths are strings ("2").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from dvt.domain.errors import ValidationError

from .criteria import IndirectSelection, SetOperation, Spec, criterion_from_dict, parse_criterion


@dataclass(frozen=True, slots=True)
class YamlSelector:
    name: str
    spec: Spec
    default: bool = False
    description: str = ""


def default_selector_name(selectors: Mapping[str, Any]) -> str | None:
    """The selector marked `default: true`, which dbt uses when neither --select nor --exclude is given."""
    defaults = [name for name, entry in selectors.items() if isinstance(entry, Mapping) and entry.get("default")]
    if len(defaults) > 1:
        raise ValidationError(f"Found multiple selectors with `default: true`: {defaults[0]} and {defaults[1]}")
    return defaults[0] if defaults else None


def parse_selectors(selectors: Mapping[str, Any], indirect: IndirectSelection) -> dict[str, YamlSelector]:
    """Every selector, in the file's order; each may refer to the ones before it."""
    parsed: dict[str, YamlSelector] = {}
    for key, entry in selectors.items():
        if not isinstance(entry, Mapping) or "definition" not in entry:
            raise ValidationError(f"Selector {key!r} has no definition")
        name = str(entry.get("name") or key)
        spec = _definition(entry["definition"], indirect, dict(parsed), root=True)
        parsed[name] = YamlSelector(name, spec, bool(entry.get("default")), str(entry.get("description") or ""))
    return parsed


Known = dict[str, YamlSelector]


def _definition(definition: Any, indirect: IndirectSelection, known: Known, root: bool = False) -> Spec:
    if (
        isinstance(definition, Mapping)
        and root
        and ("union" in definition or "intersection" in definition)
        and len(definition) > 1
    ):
        keys = ",".join(str(k) for k in definition)
        raise ValidationError(
            f"Only a single 'union' or 'intersection' key is allowed in a root level selector definition; found {keys}."
        )
    if isinstance(definition, str):
        return parse_criterion(definition, indirect)
    if isinstance(definition, Mapping):
        if "union" in definition:
            return _set_operation("union", definition, indirect, known)
        if "intersection" in definition:
            return _set_operation("intersection", definition, indirect, known)
        return _method_dict(definition, indirect, known)
    raise ValidationError(
        f"Expected to find union, intersection, str or dict, instead found {type(definition).__name__}: {definition}"
    )


def _items(definition: Mapping[str, Any], key: str) -> list[Any]:
    values = definition[key]
    if not isinstance(values, list):
        raise ValidationError(f'Invalid value for key "{key}". Expected a list.')
    for value in values:
        if not isinstance(value, str | Mapping):
            raise ValidationError(
                f'Invalid value type {type(value).__name__} in key "{key}", expected dict or str (value: {value}).'
            )
    return values


def _exclusion(definition: Mapping[str, Any], indirect: IndirectSelection, known: Known) -> Spec | None:
    items = _items(definition, "exclude")
    parts = [_definition(item, indirect, known) for item in items]
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    return SetOperation("union", tuple(parts), text=_text(items))


def _set_operation(
    operator: Literal["union", "intersection"], definition: Mapping[str, Any], indirect: IndirectSelection, known: Known
) -> Spec:
    include: list[Spec] = []
    exclude: Spec | None = None
    seen_exclude = False
    for item in _items(definition, operator):
        if isinstance(item, Mapping) and "exclude" in item:
            if seen_exclude:
                raise ValidationError(
                    f"You cannot provide multiple exclude arguments to the same selector set operator: {dict(item)}"
                )
            seen_exclude = True
            exclude = _exclusion(item, indirect, known)
        else:
            include.append(_definition(item, indirect, known))
    combined = SetOperation(operator, tuple(include), text=_text(definition))
    if exclude is None:
        return combined
    return SetOperation("difference", (combined, exclude), text=_text(definition))


def _method_dict(definition: Mapping[str, Any], indirect: IndirectSelection, known: Known) -> Spec:
    exclude: Spec | None = None
    if len(definition) == 1:
        key, value = next(iter(definition.items()))
        fields: Mapping[str, Any] = {"method": key, "value": value}
    elif definition.get("method") == "selector":
        name = definition.get("value")
        if not isinstance(name, str) or name not in known:
            raise ValidationError(f"Existing selector definition for {name} not found.")
        return known[name].spec
    elif "method" in definition and "value" in definition:
        fields = definition
        if "exclude" in definition:
            exclude = _exclusion(definition, indirect, known)
            fields = {k: v for k, v in definition.items() if k != "exclude"}
    else:
        raise ValidationError(f'Expected either 1 key or else "method" and "value" keys, but got {list(definition)}')
    criterion = criterion_from_dict(_criterion_text(fields), fields, indirect)
    if exclude is None:
        return criterion
    return SetOperation("difference", (criterion, exclude), text=criterion.text)


def _criterion_text(fields: Mapping[str, Any]) -> str:
    method, value = fields.get("method"), fields.get("value")
    text = f"{method}:{value}" if method is not None else str(value)
    if fields.get("parents"):
        text = f"{fields.get('parents_depth') or ''}+{text}"
    if fields.get("childrens_parents"):
        text = f"@{text}"
    if fields.get("children"):
        text = f"{text}+{fields.get('children_depth') or ''}"
    return text


def _text(value: Any) -> str:
    return str(value if not isinstance(value, Mapping) else dict(value))
