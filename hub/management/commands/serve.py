"""Serve the hub: one ASGI server (Daphne: HTTP + WebSocket) and one django-q2 cluster.

Ctrl-C (SIGINT) or SIGTERM stops both cleanly; if either stops on its own, the other is
stopped too and the command exits with its status.

The supervising process needs nothing from Django but the project's folder: `make run`
starts it as `python -m hub.serve` (same options), which skips loading Django there;
`manage.py serve` runs the system checks first, then does the same. Under `make run` (on a
developer's machine) the task cluster starts once the web process accepts connections, so
that the two do not load Django at the same time: the first page comes sooner. `manage.py
serve` starts both at once, so that the cluster is at work as soon as the hub answers.

Daphne writes its access log (one line per request, with the path) straight to a stream,
outside Python logging and its filters. Paths can hold secrets (the token of a personal
calendar feed), so the web process runs Daphne through `run_daphne` below, which passes
every access-log line through the same redaction as the hub's log filter.
"""

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand

from hub.logging import _redact

GRACE_SECONDS = 10
# How long the task cluster waits for the web process to accept connections, at most.
WEB_START_SECONDS = 60
ASGI_TARGET = "hub.asgi:application"
BASE_DIR = Path(__file__).resolve().parents[3]


def _served_at(host: str, port: int) -> str:
    if host in {"0.0.0.0", "::", ""}:  # noqa: S104 - every interface: name the loopback one
        host = "127.0.0.1"
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def _accepts_connections(host: str, port: int) -> bool:
    if host in {"0.0.0.0", ""}:  # noqa: S104 - every interface: try the loopback one
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def add_arguments(parser) -> None:
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--no-cluster", action="store_true", help="Do not start django-q2.")


def supervise(
    *,
    host: str,
    port: int,
    no_cluster: bool,
    cluster_after_web: bool = False,
    out=sys.stdout,
    err=sys.stderr,
) -> int:
    """Run the web process and the task cluster until Ctrl-C, SIGTERM or either stops;
    the exit status. With `cluster_after_web`, the cluster starts once the web process
    accepts connections (or after WEB_START_SECONDS)."""
    commands = {
        "web": [
            sys.executable,
            "-m",
            "hub.management.commands.serve",
            "-b",
            host,
            "-p",
            str(port),
            ASGI_TARGET,
        ],
    }
    if not no_cluster:
        commands["tasks"] = [sys.executable, str(BASE_DIR / "manage.py"), "qcluster"]
    # The role tells hub.websocket whether this process can reach the in-memory layer.
    # Without HUB_BASE_URL, the hub's links point at the address it is served on.
    base_url = os.environ.get("HUB_BASE_URL") or _served_at(host, port)

    def start(name: str) -> subprocess.Popen:
        return subprocess.Popen(  # noqa: S603
            commands[name],
            start_new_session=True,
            cwd=BASE_DIR,
            env={**os.environ, "HUB_PROCESS_ROLE": name, "HUB_BASE_URL": base_url},
        )

    stopping = False

    def request_stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)

    processes = {"web": start("web")}
    if "tasks" in commands and not cluster_after_web:
        processes["tasks"] = start("tasks")
    out.write(f"Hub on http://{host}:{port}/ — Ctrl-C to stop.\n")
    out.flush()
    web_started = time.monotonic()
    exit_code = 0
    while not stopping:
        for name, process in processes.items():
            code = process.poll()
            if code is not None:
                err.write(f"{name} stopped with status {code}; stopping the rest.\n")
                exit_code = code or 1
                stopping = True
        if (
            not stopping
            and "tasks" in commands
            and "tasks" not in processes
            and (
                _accepts_connections(host, port)
                or time.monotonic() - web_started > WEB_START_SECONDS
            )
        ):
            processes["tasks"] = start("tasks")
        time.sleep(0.1 if "tasks" in commands and "tasks" not in processes else 0.3)

    _stop_all(processes)
    out.write("Stopped.\n")
    return exit_code


def _stop_all(processes) -> None:
    for process in processes.values():
        if process.poll() is None:
            # Each child runs in its own session: signal its whole group (workers too).
            # SIGTERM, not SIGINT: a child started from a background job ignores SIGINT.
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + GRACE_SECONDS
    for process in processes.values():
        remaining = max(0.1, deadline - time.monotonic())
        try:
            process.wait(timeout=remaining)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def main(argv: list[str]) -> int:
    """`python -m hub.serve`: the command's options, without loading Django here."""
    parser = argparse.ArgumentParser(prog="python -m hub.serve", description=Command.help)
    add_arguments(parser)
    options = parser.parse_args(argv)
    return supervise(
        host=options.host,
        port=options.port,
        no_cluster=options.no_cluster,
        cluster_after_web=True,
    )


class Command(BaseCommand):
    help = "Run the ASGI server and the task cluster together (Ctrl-C stops both)."

    def add_arguments(self, parser):
        add_arguments(parser)

    def handle(self, *args, host, port, no_cluster, **options):
        exit_code = supervise(
            host=host, port=port, no_cluster=no_cluster, out=self.stdout, err=self.stderr
        )
        if exit_code:
            sys.exit(exit_code)


class RedactingStream:
    """A text stream that redacts secret path segments from what is written to it."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(_redact(text))

    def flush(self) -> None:
        self.stream.flush()


def redact_access_log(action_logger):
    """Daphne's access logger (stdout or `--access-log FILE`), writing through redaction."""
    if action_logger is not None:
        action_logger.stream = RedactingStream(action_logger.stream)
    return action_logger


def run_daphne(argv: list[str]) -> None:
    """Daphne's command line (same arguments), with the access log redacted."""
    # Imported here: daphne.server installs Twisted's reactor, which only the web process needs.
    from daphne.cli import CommandLineInterface
    from daphne.server import Server

    class RedactingServer(Server):
        def __init__(self, *args, action_logger=None, **kwargs):
            super().__init__(*args, action_logger=redact_access_log(action_logger), **kwargs)

    cli = CommandLineInterface()
    cli.server_class = RedactingServer
    cli.run(argv)


if __name__ == "__main__":
    run_daphne(sys.argv[1:])
