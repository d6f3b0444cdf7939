"""A real Meilisearch server of the tests' own: a free port, a temporary data directory, a
master key; stopped, killed and restarted on the same port and data by the tests about
Meilisearch going away.

The binary is the one scripts/install-meilisearch.sh installs (Meilisearch 1.21.0): found
through MEILISEARCH_BIN, then .venv/bin of the checkout, then the bin/ of the Python
running the tests, then PATH. Missing, the tests skip with the reason (fail under
REQUIRE_SERVICES=1).
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests

from tests.redis_server import free_port
from tests.services import skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 20
EXPECTED_VERSION = "1.21.0"


def find_binary() -> str | None:
    candidates = [
        os.environ.get("MEILISEARCH_BIN"),
        str(ROOT / ".venv" / "bin" / "meilisearch"),
        str(Path(sys.prefix) / "bin" / "meilisearch"),
        shutil.which("meilisearch"),
    ]
    return next((path for path in candidates if path and os.access(path, os.X_OK)), None)


def require_binary() -> str:
    binary = find_binary()
    if binary is None:
        skip_or_fail(
            "the Meilisearch server is not installed: run scripts/install-meilisearch.sh "
            "(make install does)"
        )
    return binary


class MeilisearchServer:
    def __init__(self, binary: str):
        self.binary = binary
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.master_key = secrets.token_hex(24)  # never starts with "-": a key read as an option
        self.process: subprocess.Popen | None = None
        self._dir = tempfile.TemporaryDirectory(prefix="hub-test-meilisearch-")
        self.log_path = Path(self._dir.name) / "meilisearch.log"

    def start(self) -> MeilisearchServer:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                self.binary,
                "--db-path",
                str(Path(self._dir.name) / "data"),
                "--dump-dir",
                str(Path(self._dir.name) / "dumps"),
                "--snapshot-dir",
                str(Path(self._dir.name) / "snapshots"),
                "--http-addr",
                f"127.0.0.1:{self.port}",
                "--master-key",
                self.master_key,
                "--env",
                "development",
                "--no-analytics",
                "--max-indexing-threads",
                "1",
                "--log-level",
                "WARN",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=self._dir.name,
        )
        log.close()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not self.answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(
                    f"meilisearch did not start on port {self.port}: "
                    + self.log_path.read_text(errors="replace")[-2000:]
                )
            time.sleep(0.05)
        return self

    def answers(self) -> bool:
        try:
            response = requests.get(f"{self.url}/health", timeout=0.5)
            return response.ok and response.json().get("status") == "available"
        except (requests.RequestException, ValueError):
            return False

    def kill(self) -> None:
        """SIGKILL, as a crash: no clean shutdown."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def close(self) -> None:
        self.stop()
        self._dir.cleanup()

    def settings(self, prefix: str | None = None) -> dict:
        """The hub's settings that point at this server, with an index prefix of its own."""
        return {
            "MEILISEARCH_URL": self.url,
            "MEILISEARCH_API_KEY": self.master_key,
            "MEILISEARCH_INDEX_PREFIX": prefix or f"test-{uuid.uuid4().hex[:12]}",
        }


def version(binary: str) -> str:
    output = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30)
    return output.stdout.strip()
