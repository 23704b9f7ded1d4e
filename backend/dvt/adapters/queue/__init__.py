"""The run queue (pgqueuer workers) and the run-event notifier (LISTEN/NOTIFY)."""
