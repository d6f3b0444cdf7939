"""`python -m hub.serve` (what `make run` starts): the web process, then the task cluster,
supervised by a process that loads no Django; Ctrl-C stops them all."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for {pid}")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5):
            return True
    except urllib.error.HTTPError:
        return True  # an empty database: the health check answers 503
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process table from /proc")
def test_the_launcher_serves_and_stops_on_ctrl_c(tmp_path):
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "HUB_"))
    }
    env.update({"DJANGO_SETTINGS_MODULE": "hub.settings", "HUB_VAR_DIR": str(tmp_path)})
    env["DJANGO_DEBUG"] = "true"
    process = subprocess.Popen(
        [sys.executable, "-m", "hub.serve", "--no-cluster", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while not _answers(f"http://127.0.0.1:{port}/healthz"):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the hub did not start: {process.communicate()}")
            time.sleep(0.2)
        (web,) = _children(process.pid)
        assert b"hub.asgi:application" in Path(f"/proc/{web}/cmdline").read_bytes()
        # The supervisor loads no Django apps (a few MB), the web process all of them.
        assert _rss_mb(process.pid) < 60 < _rss_mb(web)
    finally:
        os.killpg(process.pid, signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "Stopped." in out
    assert not Path(f"/proc/{web}").exists()
