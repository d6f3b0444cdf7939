"""Real servers for the integration tests and benchmarks: their own PostgreSQL cluster, their
own Redis and the hub's real processes (Daphne and the django-q2 cluster via `manage.py serve`).

Nothing here depends on DATABASE_URL or REDIS_URL: each server listens on a free port under
a temporary folder and is stopped (and its folder removed) at the end. As root, PostgreSQL
runs as the `postgres` OS user (initdb and postgres refuse to run as root).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "integration-secret-key-" + "q" * 50


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(predicate, *, timeout: float, interval: float = 0.1, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise TimeoutError(f"{what} not reached within {timeout:g} s")


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def postgres_bin_dir() -> str | None:
    """The newest /usr/lib/postgresql/*/bin with initdb, else the one holding initdb on PATH."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0,
    )
    if found:
        return str(Path(found[-1]).parent)
    initdb = shutil.which("initdb")
    return str(Path(initdb).resolve().parent) if initdb else None


class PostgresCluster:
    """A throwaway PostgreSQL cluster (initdb under a temporary folder, trust auth)."""

    def __init__(self, *, max_connections: int = 100):
        self.bin = postgres_bin_dir()
        if self.bin is None:
            raise FileNotFoundError("initdb (PostgreSQL server binaries) not found")
        self.port = free_port()
        self.max_connections = max_connections
        self.folder = Path(tempfile.mkdtemp(prefix="hub-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "postgres.log"
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.folder, "postgres", "postgres")

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        command = [str(Path(self.bin) / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, check=True, cwd="/"
        )

    def init(self) -> PostgresCluster:
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        return self

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
            f"-c max_connections={self.max_connections} -c fsync=off "
            "-c synchronous_commit=on -c full_page_writes=off"
        )
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.log), "-w", "start")

    def stop(self) -> None:
        # Fast shutdown: open sessions are terminated, like a crash seen from the hub.
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def url(self, database: str = "hub") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str = "hub") -> str:
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        return self.url(name)

    def connections(self, application_name: str) -> int:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
                [application_name],
            ).fetchone()
        return row[0]

    def destroy(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.SubprocessError):
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


class RedisServer:
    """A throwaway redis-server on a free port, without persistence."""

    def __init__(self):
        self.executable = shutil.which("redis-server")
        if self.executable is None:
            raise FileNotFoundError("redis-server not found")
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.executable,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: port_open(self.port), timeout=10, what="redis-server listening")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


def hub_env(*, database_url: str, var_dir: Path, redis_url: str | None = None, **extra) -> dict:
    """The environment of a production-like hub process (DEBUG off, plain HTTP)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "MEILISEARCH_", "EMAIL_", "HUB_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "hub.settings",
            "DJANGO_SECRET_KEY": SECRET_KEY,
            "DJANGO_DEBUG": "false",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "EMAIL_URL": "console://",
            # Required in production; a HubServer puts its own port in it.
            "HUB_BASE_URL": "http://127.0.0.1",
            "DATABASE_URL": database_url,
            "HUB_VAR_DIR": str(var_dir),
            "PYTHONPATH": str(ROOT),
            "PYTHONUNBUFFERED": "1",
        }
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update({key: str(value) for key, value in extra.items()})
    return env


def manage(*args: str, env: dict, timeout: float = 300) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def run_module(module: str, *args: str, env: dict, timeout: float = 300) -> str:
    result = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{module} failed:\n{result.stderr[-3000:]}")
    return result.stdout


class HubServer:
    """`manage.py serve` (Daphne + django-q2 cluster), or Daphne alone with tasks=False."""

    def __init__(self, env: dict, *, tasks: bool = True):
        self.port = free_port()
        self.env = {**env, "HUB_BASE_URL": f"http://127.0.0.1:{self.port}"}
        self.tasks = tasks
        self.log_path = Path(env["HUB_VAR_DIR"]) / f"hub-{self.port}.log"
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *, timeout: float = 60) -> None:
        command = [sys.executable, "manage.py", "serve", "--port", str(self.port)]
        if not self.tasks:
            command.append("--no-cluster")
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

        def answering() -> bool:
            if self.process.poll() is not None:
                raise RuntimeError(f"the hub stopped on start:\n{self.log()[-3000:]}")
            try:
                return requests.get(f"{self.base}/healthz", timeout=2).status_code in {200, 503}
            except requests.RequestException:
                return False

        wait_for(answering, timeout=timeout, interval=0.3, what="the hub answering")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self.process:
            self._log.close()
        self.process = None
