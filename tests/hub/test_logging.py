import logging

from hub.logging import RedactTokensFilter

SECRET = "Zq3xY8vB1nM4kL7pR2sT9wA6"


def formatted(msg, args):
    record = logging.LogRecord("t", logging.INFO, __file__, 1, msg, args, None)
    assert RedactTokensFilter().filter(record) is True
    return record.getMessage()


def test_secret_path_segments_are_redacted_with_tuple_args():
    line = formatted('"GET %s" %s', (f"/calendar/feeds/{SECRET}.ics", 200))
    assert SECRET not in line
    assert "/calendar/feeds/[redacted]" in line


def test_mapping_args_stay_a_mapping():
    line = formatted("%(path)s answered %(status)d", {"path": f"/token/{SECRET}", "status": 200})
    assert line == "/token/[redacted] answered 200"


def test_ordinary_paths_are_untouched():
    assert formatted("GET %s", ("/associazioni/polisportiva-bruinese/",)) == (
        "GET /associazioni/polisportiva-bruinese/"
    )
