"""GET /healthz reports each backing service; 503 names what is down."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_all_up_answers_200(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["down"] == []
    assert set(body["checks"]) == {"database", "channel_layer", "task_broker", "search"}
    assert body["checks"]["channel_layer"]["backend"] == "InMemoryChannelLayer"
    assert body["checks"]["search"]["backend"] == "database"
    assert response["Cache-Control"].startswith("max-age=0")


@override_settings(
    CHANNEL_LAYERS={
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # Port 1 on loopback: nothing listens there, the connection is refused.
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
        }
    }
)
def test_unreachable_channel_layer_answers_503_naming_it(client):
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    try:
        response = client.get("/healthz")
    finally:
        channel_layers.backends.clear()
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["down"] == ["channel_layer"]
    assert body["checks"]["database"]["ok"] is True


@override_settings(MEILISEARCH_URL="http://127.0.0.1:1", MEILISEARCH_API_KEY="x")
def test_unreachable_meilisearch_answers_503_naming_search(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["search"]
    assert response.json()["checks"]["search"]["ok"] is False


@pytest.mark.redis
def test_redis_backed_services_report_up(client, redis_url, settings):
    from channels.layers import channel_layers
    from django_q.conf import Conf

    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [redis_url], "prefix": "hub-test"},
        }
    }
    channel_layers.backends.clear()
    broker_before = (Conf.REDIS, Conf.ORM)
    Conf.REDIS, Conf.ORM = redis_url, None
    try:
        response = client.get("/healthz")
    finally:
        Conf.REDIS, Conf.ORM = broker_before
        channel_layers.backends.clear()
    body = response.json()
    assert response.status_code == 200, body
    assert body["checks"]["channel_layer"]["backend"] == "RedisChannelLayer"
    assert body["checks"]["task_broker"]["backend"] == "Redis"
