"""`runserver` is Daphne's (HTTP and WebSocket), without Daphne as an installed app: a
process that does not serve does not import its server (nor install Twisted's reactor)."""

import os
import subprocess
import sys
from pathlib import Path

from daphne.management.commands.runserver import Command as DaphneRunserver
from django.core.management import get_commands, load_command_class


def test_runserver_is_daphnes():
    command = load_command_class(get_commands()["runserver"], "runserver")
    assert isinstance(command, DaphneRunserver)


def test_setting_django_up_does_not_import_daphnes_server():
    code = (
        "import sys, django; django.setup(); "
        "modules = ('daphne.server', 'twisted.internet.reactor'); "
        "print(sorted(m for m in modules if m in sys.modules))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hub.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert result.stdout.strip() == "[]"
