"""What a selection, an exclusion or a selector name may be before DVT plans it and hands it to dbt.

dbt reads these from its command line, so a value that looks like an option (`--project-dir=...`, `--empty`)
would change what dbt runs, not what it selects. Each item is one selection in dbt's grammar (commas join
criteria; DVT takes a union as separate items, so whitespace, which dbt would split on, is refused), and
nothing dbt's grammar cannot mean gets through: an empty item or criterion, a leading `-`, whitespace,
control or format characters, or a method dbt does not have.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

from dvt.domain.errors import ValidationError

from .criteria import parse_criterion

MAX_ARGUMENT_CHARS = 2_000  # far past any dbt name or path; argv entries have a limit of their own
# Unicode categories with no place in a selection: controls (NUL, ESC, ...), format characters (bidi overrides,
# zero-width joiners that make two names look alike), surrogates, private use and unassigned code points.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


def check_selections(kind: str, items: Iterable[Any]) -> tuple[str, ...]:
    """Every item checked as one `--select`/`--exclude` value; `kind` names them in errors ("selection")."""
    if isinstance(items, str):
        raise ValidationError(f"{kind}s are a list of strings, not one string ({items!r})")
    return tuple(check_selection(kind, item) for item in items)


def check_selection(kind: str, item: Any) -> str:
    text = _check_text(kind, item)
    for part in text.split(","):
        if not part:
            raise ValidationError(f"{kind} {text!r} has an empty criterion: dbt joins criteria with single commas")
        if part.startswith("-"):
            raise ValidationError(_option_like(kind, text))
        try:
            parse_criterion(part)
        except ValidationError as error:
            raise ValidationError(f"{kind} {text!r}: {error}") from None
    return text


def check_selector_name(item: Any) -> str:
    """A YAML selector's name (`--selector`)."""
    return _check_text("selector", item)


def _check_text(kind: str, item: Any) -> str:
    if not isinstance(item, str):
        raise ValidationError(f"a {kind} is a string, not {type(item).__name__}")
    if not item:
        raise ValidationError(f"a {kind} must not be empty ('')")
    if len(item) > MAX_ARGUMENT_CHARS:
        raise ValidationError(f"{kind} {item[:40]!r}... is longer than {MAX_ARGUMENT_CHARS} characters")
    for char in item:
        if char.isspace():
            raise ValidationError(
                f"{kind} {item!r} contains whitespace: give each selection as its own item "
                "(dbt would split it into several, or read part of it as an option)"
            )
        if unicodedata.category(char) in _REFUSED_CATEGORIES:
            raise ValidationError(f"{kind} {item!r} contains the control or format character U+{ord(char):04X}")
    if item.startswith("-"):
        raise ValidationError(_option_like(kind, item))
    return item


def _option_like(kind: str, item: str) -> str:
    return f"{kind} {item!r} starts with '-': dbt would read it as a command-line option, not a {kind}"
