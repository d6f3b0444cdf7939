"""The gaf app's WebSocket consumers: the live pool of a round's order page, and the chat."""

from gaf.consumers.chat import ChatConsumer
from gaf.consumers.round_pool import RoundPoolConsumer

__all__ = ["ChatConsumer", "RoundPoolConsumer"]
