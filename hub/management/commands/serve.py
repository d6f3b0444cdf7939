"""Serve the hub: one ASGI server (Daphne: HTTP + WebSocket) and one django-q2 cluster.

Ctrl-C (SIGINT) or SIGTERM stops both cleanly; if either stops on its own, the other is
stopped too and the command exits with its status.

Daphne writes its access log (one line per request, with the path) straight to a stream,
outside Python logging and its filters. Paths can hold secrets (the token of a personal
calendar feed), so the web process runs Daphne through `run_daphne` below, which passes
every access-log line through the same redaction as the hub's log filter.
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from hub.logging import _redact

GRACE_SECONDS = 10
ASGI_TARGET = "hub.asgi:application"


def _served_at(host: str, port: int) -> str:
    if host in {"0.0.0.0", "::", ""}:  # noqa: S104 - every interface: name the loopback one
        host = "127.0.0.1"
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


class Command(BaseCommand):
    help = "Run the ASGI server and the task cluster together (Ctrl-C stops both)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--no-cluster", action="store_true", help="Do not start django-q2.")

    def handle(self, *args, host, port, no_cluster, **options):
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
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
            commands["tasks"] = [*manage, "qcluster"]
        # The role tells hub.websocket whether this process can reach the in-memory layer.
        # Without HUB_BASE_URL, the hub's links point at the address it is served on.
        base_url = os.environ.get("HUB_BASE_URL") or _served_at(host, port)
        processes = {
            name: subprocess.Popen(  # noqa: S603
                command,
                start_new_session=True,
                cwd=settings.BASE_DIR,
                env={**os.environ, "HUB_PROCESS_ROLE": name, "HUB_BASE_URL": base_url},
            )
            for name, command in commands.items()
        }
        self.stdout.write(self.style.SUCCESS(f"Hub on http://{host}:{port}/ — Ctrl-C to stop."))

        stopping = False

        def request_stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)

        exit_code = 0
        while not stopping:
            for name, process in processes.items():
                code = process.poll()
                if code is not None:
                    self.stderr.write(f"{name} stopped with status {code}; stopping the rest.")
                    exit_code = code or 1
                    stopping = True
            time.sleep(0.3)

        self._stop_all(processes)
        self.stdout.write("Stopped.")
        if exit_code:
            sys.exit(exit_code)

    def _stop_all(self, processes):
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
