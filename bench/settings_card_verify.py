"""The hub's settings plus one bare route, for `bench/card_verify.py` only: the server the
benchmark measures is the hub as production runs it, with a view beside the real
verification that only checks a token's signature (bench/card_verify_urls.py)."""

from hub.settings import *  # noqa: F403

ROOT_URLCONF = "bench.card_verify_urls"
