"""Configuration comes from the environment; bad values stop start-up with one clear line."""

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "k" * 20 + "-production-secret-for-the-check-only-" + "z" * 20,
    "DJANGO_ALLOWED_HOSTS": "famiglie.example.org",
    "DJANGO_DEBUG": "false",
    "EMAIL_URL": "smtp://mailer:secret@smtp.example.org:587",
    "DATABASE_URL": "postgres://hub:hub@db.example.org:5432/hub",
    "HUB_BASE_URL": "https://famiglie.example.org",
}


def run_manage(*args, env_overrides: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "MEILISEARCH_", "EMAIL_", "HUB_"))
    }
    env.update({"HUB_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "hub.settings"})
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("overrides", "variable"),
    [
        ({"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG"),
        ({"DATABASE_URL": "mysql://x@db/hub"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgres://hub@db:notaport/hub"}, "DATABASE_URL"),
        ({"REDIS_URL": "http://cache:6379"}, "REDIS_URL"),
        ({"MEILISEARCH_URL": "meili:7700"}, "MEILISEARCH_URL"),
        ({**PRODUCTION_ENV, "DJANGO_ALLOWED_HOSTS": ""}, "DJANGO_ALLOWED_HOSTS"),
        ({**PRODUCTION_ENV, "EMAIL_URL": ""}, "EMAIL_URL"),
        ({**PRODUCTION_ENV, "DJANGO_SECRET_KEY": "short"}, "DJANGO_SECRET_KEY"),
        ({**PRODUCTION_ENV, "HUB_DB_POOL_MAX_SIZE": "0"}, "HUB_DB_POOL_MAX_SIZE"),
        ({**PRODUCTION_ENV, "HUB_DB_POOL_MAX_SIZE": "dieci"}, "HUB_DB_POOL_MAX_SIZE"),
        ({**PRODUCTION_ENV, "HUB_DB_POOL_MIN_SIZE": "-1"}, "HUB_DB_POOL_MIN_SIZE"),
        (
            {**PRODUCTION_ENV, "HUB_DB_POOL_MAX_SIZE": "4", "HUB_DB_POOL_MIN_SIZE": "5"},
            "HUB_DB_POOL_MIN_SIZE",
        ),
        ({**PRODUCTION_ENV, "HUB_DB_POOL_TIMEOUT": "0"}, "HUB_DB_POOL_TIMEOUT"),
        ({**PRODUCTION_ENV, "HUB_DB_POOL_TIMEOUT": "nan"}, "HUB_DB_POOL_TIMEOUT"),
        ({**PRODUCTION_ENV, "HUB_DB_POOL_TIMEOUT": "presto"}, "HUB_DB_POOL_TIMEOUT"),
        ({**PRODUCTION_ENV, "HUB_BASE_URL": ""}, "HUB_BASE_URL"),
        ({"HUB_BASE_URL": "ftp://famiglie.example.org"}, "HUB_BASE_URL"),
        ({"HUB_BASE_URL": "famiglie.example.org:8080"}, "HUB_BASE_URL"),
    ],
)
def test_bad_variable_stops_startup_with_one_line(overrides, variable, tmp_path):
    result = run_manage("check", env_overrides=overrides, tmp_path=tmp_path)
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"Configuration error: {variable}:")
    assert "Traceback" not in result.stderr


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_overrides=PRODUCTION_ENV,
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def settings_seen_with(env_overrides, tmp_path) -> dict:
    code = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps({'layer': s.CHANNEL_LAYERS['default']['BACKEND'], "
        "'cache': s.CACHES['default']['BACKEND'], 'q_redis': s.Q_CLUSTER.get('redis'), "
        "'q_orm': s.Q_CLUSTER.get('orm'), 'db': s.DATABASES['default']['ENGINE'], "
        "'debug': s.DEBUG, 'email': s.EMAIL_BACKEND}))"
    )
    result = run_manage("shell", "-c", code, env_overrides=env_overrides, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_no_variables_give_the_embedded_default(tmp_path):
    seen = settings_seen_with({}, tmp_path)
    assert seen == {
        "layer": "hub.channel_layers.InMemoryChannelLayer",
        "cache": "django.core.cache.backends.locmem.LocMemCache",
        "q_redis": None,
        "q_orm": "default",
        "db": "hub.sqlite_backend",
        "debug": True,
        "email": "django.core.mail.backends.console.EmailBackend",
    }
    # The embedded secret key is generated once, private to its owner.
    key_file = tmp_path / "secret_key"
    assert key_file.exists()
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"


@pytest.mark.sqlite
def test_the_embedded_database_writes_ahead_without_waiting_for_the_disk(tmp_path):
    """WAL and synchronous=NORMAL on every connection to the embedded SQLite file."""
    code = (
        "from django.db import connection; c = connection.cursor(); "
        "print(c.execute('PRAGMA journal_mode').fetchone()[0], "
        "c.execute('PRAGMA synchronous').fetchone()[0])"
    )
    result = run_manage("shell", "-c", code, env_overrides={}, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    # synchronous: 1 is NORMAL (2 FULL, the default).
    assert result.stdout.split()[-2:] == ["wal", "1"]
    # WAL is a property of the file: other programs (sqlite3, a backup) see it too.
    with closing(sqlite3.connect(tmp_path / "hub.sqlite3")) as other:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_redis_url_moves_layer_broker_and_cache_to_redis(tmp_path):
    seen = settings_seen_with(
        {**PRODUCTION_ENV, "REDIS_URL": "redis://cache.example.org:6379/0"}, tmp_path
    )
    assert seen["layer"] == "channels_redis.core.RedisChannelLayer"
    # Django's RedisCache, guarded: a Redis failure never fails a request (hub.cache).
    assert seen["cache"] == "hub.cache.ResilientRedisCache"
    assert seen["q_redis"] == "redis://cache.example.org:6379/0"
    assert seen["q_orm"] is None
    assert seen["db"] == "django.db.backends.postgresql"
    assert seen["debug"] is False
    assert seen["email"] == "django.core.mail.backends.smtp.EmailBackend"


def database_seen_with(env_overrides, tmp_path) -> dict:
    code = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps(s.DATABASES['default'], default=str))"
    )
    result = run_manage("shell", "-c", code, env_overrides=env_overrides, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_postgresql_gets_a_bounded_pool_and_no_persistent_connections(tmp_path):
    database = database_seen_with(PRODUCTION_ENV, tmp_path)
    # Django refuses a pool with CONN_MAX_AGE > 0; and under ASGI a persistent connection
    # per request thread is a leak (issue 9).
    assert database["CONN_MAX_AGE"] == 0
    assert database["CONN_HEALTH_CHECKS"] is True
    assert database["OPTIONS"]["pool"] == {
        "min_size": 1,
        "max_size": 10,
        "timeout": 10.0,
        "max_idle": 60.0,
        "reconnect_timeout": 2.0,
        "name": "hub",
    }
    assert database["OPTIONS"]["application_name"] == "hub"


def test_pool_size_and_timeout_come_from_the_environment(tmp_path):
    database = database_seen_with(
        {
            **PRODUCTION_ENV,
            "DATABASE_URL": "postgres://hub:hub@db.example.org:5432/hub?application_name=web-3",
            "HUB_DB_POOL_MAX_SIZE": "25",
            "HUB_DB_POOL_MIN_SIZE": "2",
            "HUB_DB_POOL_TIMEOUT": "2.5",
        },
        tmp_path,
    )
    pool = database["OPTIONS"]["pool"]
    assert (pool["min_size"], pool["max_size"], pool["timeout"]) == (2, 25, 2.5)
    assert database["OPTIONS"]["application_name"] == "web-3"


def test_process_role_names_the_connections(tmp_path):
    database = database_seen_with({**PRODUCTION_ENV, "HUB_PROCESS_ROLE": "tasks"}, tmp_path)
    assert database["OPTIONS"]["application_name"] == "hub-tasks"


def test_sqlite_has_no_pool(tmp_path):
    database = database_seen_with({}, tmp_path)
    assert "pool" not in database["OPTIONS"]
    assert database["CONN_MAX_AGE"] == 0
