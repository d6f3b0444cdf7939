"""Reading the hub's configuration from environment variables.

Every production setting comes from the environment. A missing or malformed variable
raises ConfigError naming the variable; the entry points (manage.py, asgi.py) turn it
into one line on stderr and a non-zero exit instead of a traceback.
"""

import math
import os
from urllib.parse import urlsplit


class ConfigError(Exception):
    """A configuration variable is missing or malformed."""

    def __init__(self, variable: str, problem: str):
        self.variable = variable
        self.problem = problem
        super().__init__(f"{variable}: {problem}")


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    value = os.environ.get(name)
    if value is None or value == "":
        if required:
            raise ConfigError(name, "is required but not set")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigError(name, f"must be true or false, not {value!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(name, f"must be a whole number, not {value!r}") from None
    if minimum is not None and number < minimum:
        raise ConfigError(name, f"must be at least {minimum}, not {number}")
    return number


def env_float(name: str, default: float, *, minimum: float) -> float:
    """A number of (for instance) seconds; must be greater than `minimum`."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = float(value)
    except ValueError:
        raise ConfigError(name, f"must be a number, not {value!r}") from None
    if not math.isfinite(number) or number <= minimum:
        raise ConfigError(name, f"must be a number greater than {minimum:g}, not {value}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_url(name: str, *, schemes: set[str]) -> str | None:
    """A URL whose scheme is one of `schemes` and which names a host, or None when unset."""
    value = env_str(name)
    if value is None:
        return None
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as error:
        raise ConfigError(name, f"is not a valid URL ({error})") from None
    if parts.scheme not in schemes:
        expected = ", ".join(sorted(schemes))
        raise ConfigError(name, f"must start with one of {expected}, not {parts.scheme or '?'}://")
    if not parts.hostname and parts.scheme not in {"sqlite", "console", "unix"}:
        raise ConfigError(name, "names no host")
    return value


# The PostgreSQL connection pool of each process (README, "Production configuration").
POOL_MAX_SIZE = 10
POOL_MIN_SIZE = 1
POOL_TIMEOUT_SECONDS = 10.0
POOL_MAX_IDLE_SECONDS = 60.0
POOL_RECONNECT_SECONDS = 2.0


def pool_options() -> dict:
    """Options of the psycopg pool from HUB_DB_POOL_* (Django's OPTIONS["pool"])."""
    max_size = env_int("HUB_DB_POOL_MAX_SIZE", POOL_MAX_SIZE, minimum=1)
    min_size = env_int("HUB_DB_POOL_MIN_SIZE", min(POOL_MIN_SIZE, max_size), minimum=0)
    if min_size > max_size:
        raise ConfigError(
            "HUB_DB_POOL_MIN_SIZE",
            f"must not exceed HUB_DB_POOL_MAX_SIZE ({max_size}), not {min_size}",
        )
    return {
        "min_size": min_size,
        "max_size": max_size,
        # A request that waits longer than this for a connection fails with PoolTimeout,
        # which the hub answers with 503 and Retry-After (hub.availability), not a hang.
        "timeout": env_float("HUB_DB_POOL_TIMEOUT", POOL_TIMEOUT_SECONDS, minimum=0),
        # Connections above min_size that stay unused this long are closed: after a burst
        # the process gives its connections back to PostgreSQL.
        "max_idle": POOL_MAX_IDLE_SECONDS,
        # While PostgreSQL is down the pool retries in the background with a doubling delay
        # (1, 2, 4, 8 s...); giving up after 2 s keeps the delay at 1 s, and the next request
        # starts a fresh attempt at once: the hub recovers within a second of PostgreSQL.
        "reconnect_timeout": POOL_RECONNECT_SECONDS,
        "name": "hub",
    }


def database_config(url: str | None, *, default_sqlite_path) -> dict:
    """DATABASES['default'] from DATABASE_URL, or the embedded SQLite file.

    PostgreSQL goes through a bounded psycopg pool per process, with CONN_MAX_AGE=0
    (Django requires it with a pool): under ASGI each request runs in a thread of its own,
    so a persistent per-thread connection would never be reused nor closed; with the pool,
    closing a connection at the end of a request puts it back in the pool.
    """
    if url is None:
        return {
            # Django's SQLite backend whose writers queue first come, first served.
            "ENGINE": "hub.sqlite_backend",
            "NAME": default_sqlite_path,
            # IMMEDIATE makes every transaction take the write lock at BEGIN, so
            # concurrent writers queue (up to the timeout) instead of failing with
            # "database is locked" when a read lock is upgraded.
            # WAL: readers (pages) never wait for the writer (the task cluster) nor it for
            # them; with synchronous=NORMAL a commit appends to the log without waiting for
            # the disk (the log is synced at checkpoints): the file cannot be corrupted, and
            # a power cut may lose the last commits, never half of one. Without it every
            # commit waits for the disk several times: a first `migrate` made 1,460 syncs,
            # about 6 s on the machine it was measured on.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
            },
            # In memory, said explicitly: pytest-django recognises SQLite by Django's own
            # ENGINE name and would otherwise give each xdist worker a file "test_<path>_gw0".
            "TEST": {"NAME": ":memory:"},
        }
    import dj_database_url

    try:
        config = dj_database_url.parse(url, conn_max_age=0, conn_health_checks=True)
    except (ValueError, dj_database_url.UnknownSchemeError) as error:
        raise ConfigError("DATABASE_URL", f"cannot be parsed ({error})") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["ENGINE"] = "hub.sqlite_backend"
        config["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
        config["TEST"] = {"NAME": ":memory:"}
        return config
    options = config.setdefault("OPTIONS", {})
    # Names the process in pg_stat_activity (hub-web, hub-tasks); ?application_name= wins.
    role = env_str("HUB_PROCESS_ROLE")
    options.setdefault("application_name", f"hub-{role}" if role else "hub")
    # With a pool, CONN_HEALTH_CHECKS makes the pool check each connection before handing
    # it out, so connections broken by a PostgreSQL restart are replaced, not used.
    options["pool"] = pool_options()
    return config
