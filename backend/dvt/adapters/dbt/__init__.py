"""Running dbt for a run: an ephemeral checkout, a generated profile, DVT's query tag, the dbt subprocess."""

from dvt.adapters.dbt.runner import SubprocessDbtRunner

__all__ = ["SubprocessDbtRunner"]
