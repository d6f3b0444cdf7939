"""Logging filters."""

import logging
import re

# Secret path segments (personal calendar feeds, invitations) never reach a log line.
_SECRET_IN_PATH = re.compile(
    r"(/(?:feed|calendar|cal|invite|token)s?/(?:[\w-]+/)*?)[A-Za-z0-9_-]{20,}"
)


class RedactTokensFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = _SECRET_IN_PATH.sub(r"\1[redacted]", record.msg)
        if record.args:
            record.args = tuple(
                _SECRET_IN_PATH.sub(r"\1[redacted]", arg) if isinstance(arg, str) else arg
                for arg in (record.args if isinstance(record.args, tuple) else (record.args,))
            )
        return True
