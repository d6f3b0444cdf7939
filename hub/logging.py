"""Logging filters."""

import logging
import re

# Secret path segments (personal calendar feeds, invitations) never reach a log line.
_SECRET_IN_PATH = re.compile(
    r"(/(?:feed|calendar|cal|invite|invito|token|personale)s?/(?:[\w-]+/)*?)[A-Za-z0-9_-]{20,}"
)


class RedactTokensFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = _redact(record.msg)
        if isinstance(record.args, dict):
            record.args = {key: _redact(value) for key, value in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(_redact(arg) for arg in record.args)
        return True


def _redact(value):
    return _SECRET_IN_PATH.sub(r"\1[redacted]", value) if isinstance(value, str) else value
