"""Run metrics as OpenTelemetry instruments, read by a Prometheus reader so `/metrics` serves them.

One meter provider per process (the Prometheus reader registers itself in prometheus_client's registry,
which is process-wide). Labels carry no tenant data: status and resource type only.
"""

from __future__ import annotations

import threading

from opentelemetry.exporter.prometheus import PrometheusMetricReader
from opentelemetry.metrics import Meter
from opentelemetry.sdk.metrics import MeterProvider

_lock = threading.Lock()
_meter: Meter | None = None


def _shared_meter() -> Meter:
    global _meter
    with _lock:
        if _meter is None:
            provider = MeterProvider(metric_readers=[PrometheusMetricReader()])
            _meter = provider.get_meter("dvt.runs")
        return _meter


class OtelRunMetrics:
    def __init__(self) -> None:
        meter = _shared_meter()
        self._runs = meter.create_histogram("dvt_run_duration", unit="s", description="Run duration on a worker")
        self._waits = meter.create_histogram("dvt_run_queue_wait", unit="s", description="Trigger to start")
        self._nodes = meter.create_histogram("dvt_node_duration", unit="s", description="dbt node execution time")
        self._busy = meter.create_up_down_counter("dvt_worker_busy_runs", description="Runs executing now")
        self._capacity = meter.create_up_down_counter("dvt_worker_capacity_runs", description="Runs workers can hold")

    def run_finished(self, status: str, duration_s: float | None, queue_wait_s: float | None) -> None:
        if duration_s is not None:
            self._runs.record(duration_s, {"status": status})
        if queue_wait_s is not None:
            self._waits.record(queue_wait_s)

    def node_finished(self, resource_type: str, status: str, seconds: float) -> None:
        self._nodes.record(seconds, {"resource_type": resource_type, "status": status})

    def worker_busy(self, delta: int) -> None:
        self._busy.add(delta)

    def worker_capacity(self, delta: int) -> None:
        self._capacity.add(delta)
