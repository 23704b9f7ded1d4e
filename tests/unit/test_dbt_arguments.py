"""dbt's command line for a run: no selection, exclusion, selector or var ever becomes an option of its own
(issue 11, D1: `select: ["stg_orders", "--project-dir=..."]` once made dbt run another project)."""

from __future__ import annotations

import json
import random
import uuid
from pathlib import Path
from typing import Any

import pytest

from dvt.adapters.dbt.profiles import Profile
from dvt.adapters.dbt.runner import BARE_FLAGS, VALUED_FLAGS, dbt_arguments, side_arguments
from dvt.application.run_ports import QueryTag, RunSpec
from dvt.domain.errors import ValidationError
from dvt.domain.graph.selection import check_selection
from dvt.domain.runs import RunStep

PROFILE = Profile("dvt", Path("/work/run/profiles"), "dvt")
RUN_DIR = Path("/work/run/run")
# Characters an attacker would reach for, and some any name may hold.
ALPHABET = "-=, \t\n\r\x0b\x0c+@*:./'\"\\$;|&`()<>[]{}~#!?%^" + "abcXYZ019_" + "é中ß\u200b\u202e\u00a0\u2028🙂"
ROUNDS = 3_000


def spec(**values: Any) -> RunSpec:
    base: dict[str, Any] = {
        "run_id": uuid.uuid4(),
        "repository": "/repo",
        "git_ref": "main",
        "subdirectory": None,
        "adapter": "duckdb",
        "settings": {},
        "secrets": {},
        "command": "build",
        "select": ("stg_orders",),
        "tag": QueryTag(uuid.uuid4(), "acme", "dev", "0" * 32),
        "work_dir": "/work/run",
    }
    return RunSpec(**{**base, **values})


def options_of(argv: list[str]) -> list[tuple[str, str | None]]:
    """What click would read after the command: (flag, value) per entry, asserting each is one DVT means."""
    read: list[tuple[str, str | None]] = []
    for entry in argv[2:]:
        flag, sep, value = entry.partition("=")
        if sep:
            assert flag in VALUED_FLAGS, f"{entry!r} is an option DVT does not add"
            read.append((flag, value))
        else:
            assert entry in BARE_FLAGS, f"{entry!r} stands on its own: dbt would read it as an option or argument"
            read.append((entry, None))
    return read


def word(rng: random.Random) -> str:
    size = rng.choice([0, 1, 2, 5, 12, 40])
    text = "".join(rng.choice(ALPHABET) for _ in range(size))
    return rng.choice(["", "-", "--", "--project-dir=", "--empty ", "-s", "+", "@"]) + text


def variables(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.randrange(6 if depth < 3 else 4)
    if kind == 0:
        return word(rng)
    if kind == 1:
        return rng.choice([0, -1, 2**40, 1.5, True, False, None])
    if kind in (2, 3):
        return word(rng)
    if kind == 4:
        return [variables(rng, depth + 1) for _ in range(rng.randrange(3))]
    return {word(rng): variables(rng, depth + 1) for _ in range(rng.randrange(3))}


def test_the_attack_of_the_issue_stays_a_selection() -> None:
    argv = dbt_arguments("dbt", spec(select=("stg_orders", "--project-dir=/srv/other", "--empty")), PROFILE, RUN_DIR)
    assert argv[:5] == ["dbt", "build", "--select=stg_orders", "--select=--project-dir=/srv/other", "--select=--empty"]
    assert "--empty" not in argv and not any(a.startswith("--project-dir") for a in argv)
    assert ("--full-refresh", None) not in options_of(argv)


def test_every_value_is_joined_to_its_flag_and_the_fixed_flags_are_dvts() -> None:
    built = spec(
        select=("a", "b+"), exclude=("c",), vars={"day": "2026-12-05"}, full_refresh=True, indirect_selection="eager"
    )
    read = options_of(dbt_arguments("dbt", built, PROFILE, RUN_DIR))
    assert [v for f, v in read if f == "--select"] == ["a", "b+"]
    assert [v for f, v in read if f == "--exclude"] == ["c"]
    assert ("--indirect-selection", "eager") in read and ("--full-refresh", None) in read
    assert [json.loads(v or "") for f, v in read if f == "--vars"] == [{"day": "2026-12-05"}]
    assert ("--profiles-dir", str(PROFILE.directory)) in read and ("--target-path", str(RUN_DIR / "target")) in read
    with_selector = options_of(dbt_arguments("dbt", spec(select=(), selector="nightly"), PROFILE, RUN_DIR))
    assert ("--selector", "nightly") in with_selector and all(f != "--select" for f, _ in with_selector)


@pytest.mark.parametrize("seed", range(4))
def test_no_generated_string_ever_becomes_an_option(seed: int) -> None:
    """Seeded random strings (option-like, with `=`, whitespace, control and other unicode) as every input
    the builder takes: whatever they are, each comes back as the value of its own flag, unchanged."""
    rng = random.Random(seed)
    for _ in range(ROUNDS // 4):
        select = tuple(word(rng) for _ in range(rng.randrange(1, 4)))
        exclude = tuple(word(rng) for _ in range(rng.randrange(3)))
        selector = word(rng) if rng.random() < 0.2 else None
        values = {word(rng): variables(rng) for _ in range(rng.randrange(3))}
        built = spec(select=select, exclude=exclude, selector=selector or None, vars=values)
        read = options_of(dbt_arguments("dbt", built, PROFILE, RUN_DIR))
        expected = [("--selector", selector)] if selector else [("--select", s) for s in select]
        assert [(f, v) for f, v in read if f in ("--select", "--selector")] == expected
        assert [v for f, v in read if f == "--exclude"] == list(exclude)
        assert [json.loads(v or "") for f, v in read if f == "--vars"] == ([values] if values else [])
        assert sum(f == "--full-refresh" for f, _ in read) == 0


@pytest.mark.parametrize("seed", range(4))
def test_what_passes_the_selection_check_is_plain_dbt_grammar(seed: int) -> None:
    """The check before planning: anything it lets through starts with no '-' and holds no whitespace or
    control character, in any criterion; everything else is refused naming the item."""
    rng = random.Random(1000 + seed)
    accepted = 0
    for _ in range(ROUNDS // 4):
        item = word(rng)
        try:
            check_selection("selection", item)
        except ValidationError as error:
            assert repr(item) in str(error), "the refusal names the item"
            continue
        accepted += 1
        assert item and not any(part.startswith("-") or not part for part in item.split(","))
        assert not any(c.isspace() or c in "\x00\u200b\u202e" for c in item)
    assert accepted > 0, "the generator must also make selections that pass"


@pytest.mark.parametrize(
    "item",
    ["--project-dir=/srv/x", "--empty", "-s", "a,--empty", "a b", "a\tb", "a\nb", "a\x00b", "a\u202eb", "", "a,,b"],
)
def test_a_selection_dbt_could_misread_is_refused(item: str) -> None:
    with pytest.raises(ValidationError, match="selection"):
        check_selection("selection", item)


@pytest.mark.parametrize(
    "item", ["stg_orders", "+orders+", "2+orders+3", "@customers", "tag:nightly,config.materialized:table",
             "path:models/staging", "source:shop.raw_orders+", "state:modified+", "fqn:demo_shop.staging.*", "café"],
)  # fmt: skip
def test_ordinary_selections_pass(item: str) -> None:
    assert check_selection("selection", item) == item


@pytest.mark.parametrize("command", ["source freshness", "docs generate"])
def test_a_side_steps_selections_stay_selections(command: str) -> None:
    rng = random.Random(f"side:{command}")
    for _ in range(300):
        step = RunStep(command, tuple(word(rng) for _ in range(rng.randrange(3))), (word(rng),))
        argv = side_arguments("dbt", spec(vars={"day": word(rng)}), step, PROFILE, RUN_DIR)
        words = len(command.split())
        assert argv[: 1 + words] == ["dbt", *command.split()]
        read = options_of(["dbt", "-", *argv[1 + words :]])  # options_of reads after the command's one word
        assert [v for f, v in read if f == "--select"] == list(step.select)
        assert [v for f, v in read if f == "--exclude"] == list(step.exclude)
