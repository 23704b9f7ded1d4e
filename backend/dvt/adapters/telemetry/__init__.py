"""OpenTelemetry: metrics of runs, nodes and workers."""
