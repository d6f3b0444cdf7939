"""The hub's settings with channels_redis's pub/sub layer instead of its core layer, for
`bench/chat_fanout.py --layers redis-pubsub` only (a comparison, not a configuration the hub
supports: its outage handling and the fault drills are written for the core layer).

The core layer pushes one copy of a group message per process (its sockets' channels share
one sorted set) and the chat room has one channel per process anyway (hub.websocket.
LocalGroups); the pub/sub layer publishes once per group and fans out inside each
subscribed process."""

from hub.settings import *  # noqa: F403
from hub.settings import CHANNEL_LAYERS

CHANNEL_LAYERS["default"]["BACKEND"] = "channels_redis.pubsub.RedisPubSubChannelLayer"
