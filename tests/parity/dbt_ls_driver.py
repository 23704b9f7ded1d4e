"""Ask the real dbt what a battery of selections selects, in one process per run of the battery.

Run by `.venv-dbt/bin/python` (never by DVT's interpreter, which has no dbt):

    dbt_ls_driver.py REQUEST.json ANSWERS.json

REQUEST is {"projects": [{"name", "dir", "after_parse": {path: text}, "cases": [{"id", "args"}]}]}.
Each project is parsed once (`dbt parse --no-partial-parse`, writing target/manifest.json); the files of
`after_parse` are then written (state artifacts that parsing must not overwrite); then each case runs
`dbt ls <args> --resource-type all --output json --output-keys unique_id` on the parsed manifest.
ANSWERS is {case id: {"unique_ids": [...] | null, "error": str | null, "warnings": [...]}}.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from dbt.cli.main import dbtRunner

WATCHED_EVENTS = {"NoNodesForSelectionCriteria": "spec_raw", "NoNodesSelected": None}


def _warning(event: Any) -> str | None:
    name = event.info.name
    if name not in WATCHED_EVENTS:
        return None
    field = WATCHED_EVENTS[name]
    return f"{name}:{getattr(event.data, field)}" if field else name


def _ls(manifest: Any, common: list[str], args: list[str]) -> dict[str, Any]:
    warnings: list[str] = []

    def listen(event: Any) -> None:
        warning = _warning(event)
        if warning is not None:
            warnings.append(warning)

    runner = dbtRunner(manifest=manifest, callbacks=[listen])
    command = ["ls", *common, *args, "--resource-type", "all", "--output", "json", "--output-keys", "unique_id"]
    result = runner.invoke(command)
    if not result.success:
        error = result.exception or "dbt ls failed"
        return {"unique_ids": None, "error": f"{type(error).__name__}: {error}", "warnings": warnings}
    unique_ids = sorted(json.loads(line)["unique_id"] for line in result.result or ())
    return {"unique_ids": unique_ids, "error": None, "warnings": warnings}


def main(request_path: str, answers_path: str) -> None:
    request = json.loads(Path(request_path).read_text())
    answers: dict[str, Any] = {}
    for project in request["projects"]:
        started = time.perf_counter()
        root = project["dir"]
        common = ["--project-dir", root, "--profiles-dir", root, "--quiet", "--no-use-colors"]
        parsed = dbtRunner().invoke(["parse", *common, "--no-partial-parse"])
        if not parsed.success:
            raise SystemExit(f"dbt parse of {root} failed: {parsed.exception}")
        for path, text in project.get("after_parse", {}).items():
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            Path(path).write_text(text)
        for case in project["cases"]:
            answers[case["id"]] = _ls(parsed.result, common, case["args"])
        seconds = time.perf_counter() - started
        print(f"{project['name']}: parse + {len(project['cases'])} ls in {seconds:.1f}s", file=sys.stderr)
    Path(answers_path).write_text(json.dumps(answers, indent=1, sort_keys=True))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
