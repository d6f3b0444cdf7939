"""The hub's settings with channels_redis's pub/sub layer instead of its core layer, for
`bench/chat_fanout.py --layers redis-pubsub` only (a comparison, not a configuration the hub
supports: its outage handling and the fault drills are written for the core layer).

The core layer delivers a group message to each socket's channel through Redis (one
BZPOPMIN per socket and message on the receiving process); the pub/sub layer publishes once
per group and fans out inside each subscribed process."""

from hub.settings import *  # noqa: F403
from hub.settings import CHANNEL_LAYERS

CHANNEL_LAYERS["default"]["BACKEND"] = "channels_redis.pubsub.RedisPubSubChannelLayer"
