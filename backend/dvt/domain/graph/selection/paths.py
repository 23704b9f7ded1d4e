"""`path:` selection without a file system: dbt globs the selector from the project root with
`pathlib.Path.glob` (Python 3.11 rules) and selects each node whose file, properties file or any
folder above them was found. Every path a node names exists, so a node is selected when one of its
candidate paths is what that glob would have yielded; the glob is replayed on those paths alone.

Python 3.11 glob rules replayed: the pattern is split on "/", dropping empty and "." parts; a part
with `*`, `?` or `[` is matched case-sensitively with fnmatch (hidden names too), `**` is any number
of folders (folders only), any other part must equal the name; a part followed by more parts must
be a folder; a trailing "/" asks for a folder. An empty or absolute pattern is refused, and so are
"." and "./", on which Python 3.11's glob fails (and dbt with it).
"""

from __future__ import annotations

import re
from fnmatch import translate
from functools import lru_cache

from dvt.domain.errors import ValidationError

PathParts = tuple[str, ...]


def split_path(path: str) -> PathParts:
    return tuple(part for part in path.split("/") if part and part != ".")


@lru_cache(maxsize=256)
def glob_pattern(pattern: str) -> tuple[PathParts, tuple[re.Pattern[str] | None, ...]]:
    """The pattern's parts ("" last for a trailing slash) and, per part, its regex if it is a glob."""
    if not pattern:
        raise ValidationError("Unacceptable path selector: ''")
    if pattern.startswith("/"):
        raise ValidationError(f"Non-relative path selectors are unsupported: {pattern!r}")
    parts = split_path(pattern)
    if pattern.endswith("/"):
        parts = (*parts, "")
    if not parts or parts == ("",):  # "." or "./": Python's glob fails on both, and so does dbt
        raise ValidationError(f"Unacceptable path selector: {pattern!r}")
    compiled: list[re.Pattern[str] | None] = []
    for part in parts:
        if part != "**" and "**" in part:
            raise ValidationError("Invalid pattern: '**' can only be an entire path component")
        wildcard = part != "**" and any(c in part for c in "*?[")
        compiled.append(re.compile(translate(part)) if wildcard else None)
    return parts, tuple(compiled)


def glob_matches(pattern: str, candidate: PathParts, is_dir: bool) -> bool:
    """Whether Path.glob(pattern) from the root yields this path (a folder when is_dir)."""
    parts, regexes = glob_pattern(pattern)
    return _match(parts, regexes, 0, candidate, 0, is_dir)


def _match(
    parts: PathParts, regexes: tuple[re.Pattern[str] | None, ...], i: int, path: PathParts, j: int, is_dir: bool
) -> bool:
    if i == len(parts):
        return j == len(path)
    part = parts[i]
    if part == "":  # a trailing slash: the path reached so far, which the previous part required a folder
        return j == len(path)
    if part == "**":
        # the folder reached so far and every folder below it
        last = len(path) if is_dir else len(path) - 1
        return any(_match(parts, regexes, i + 1, path, k, is_dir) for k in range(j, last + 1))
    if j >= len(path):
        return False
    regex = regexes[i]
    if (regex.match(path[j]) is None) if regex is not None else (part != path[j]):
        return False
    if i + 1 < len(parts) and j + 1 == len(path) and not is_dir:
        return False  # more parts follow: this one must be a folder
    return _match(parts, regexes, i + 1, path, j + 1, is_dir)
