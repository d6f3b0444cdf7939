"""Live pooled quantities on a round's order page.

The order services broadcast `{"type": "round.changed", "sequence": n}` to the round's
group after each committed change (n: the round's last change number, OrderRound
.last_sequence). The consumer then renders, for its own person, the parts of the page that
depend on everyone's orders (each product's pool, and the family's estimated bill) and
sends them as one `pool` message whose `id` is that sequence number.

The channel layer may drop messages, and a page may be offline for a while, so the state
is what counts, not the events: a client sends `{"type": "resume", "last_id": n}` when it
connects, and gets a fresh `pool` message whenever the round has changed since `n`.
"""

from __future__ import annotations

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.utils import translation

from gaf import rules, selectors
from gaf.live import NOT_FOUND, round_group
from gaf.models import OrderRound
from gaf.presenters import family_estimate, has_order, product_rows
from gaf.rounds import CHARGED_STATES
from hub.formatting import euro
from hub.selectors import family_of


def _language(scope) -> str:
    """The page's language (`?lang=` in the socket's URL), when the hub offers it."""
    query = scope.get("query_string", b"").decode("latin-1")
    wanted = dict(part.split("=", 1) for part in query.split("&") if "=" in part).get("lang")
    offered = {code for code, _name in settings.LANGUAGES}
    return wanted if wanted in offered else settings.LANGUAGE_CODE


class RoundPoolConsumer(AsyncJsonWebsocketConsumer):
    """One order page's live view of a round (route policy: signed in; rule: can_view_round)."""

    async def connect(self):
        self.round_id = int(self.scope["url_route"]["kwargs"]["round_id"])
        self.language = _language(self.scope)
        self.last_id = 0
        if await database_sync_to_async(self._load)() is None:
            await self.close(code=NOT_FOUND)
            return
        self.group = round_group(self.round_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "ping":
            await self.send_json({"type": "pong"})
        elif kind == "resume":
            last_id = content.get("last_id", 0)
            if isinstance(last_id, bool) or not isinstance(last_id, int) or last_id < 0:
                await self.send_json({"type": "error", "code": "invalid_last_id"})
                return
            self.last_id = last_id
            await self._send_if_newer()
        else:
            await self.send_json({"type": "error", "code": "unknown_type"})

    async def round_changed(self, event):
        if event.get("sequence", 0) > self.last_id:
            await self._send_if_newer()

    async def _send_if_newer(self):
        message = await database_sync_to_async(self._snapshot)()
        if message is None:
            await self.close(code=NOT_FOUND)
        elif message["id"] > self.last_id:
            self.last_id = message["id"]
            await self.send_json(message)

    def _load(self):
        """The round and the person, read afresh: a membership may have ended meanwhile."""
        user = get_user_model().objects.filter(pk=self.scope["user"].pk, is_active=True).first()
        round = OrderRound.objects.select_related("group").filter(pk=self.round_id).first()
        if user is None or round is None or not rules.can_view_round(user, round):
            return None
        return round, user

    def _snapshot(self) -> dict | None:
        loaded = self._load()
        if loaded is None:
            return None
        round, user = loaded
        family = family_of(user)
        statuses = selectors.round_pool_status(round=round, family=family)
        rows = product_rows(statuses, None)
        slip = family_estimate(round, family)
        context = {
            "family": family,
            "round": round,
            "is_charged": round.state in CHARGED_STATES,
            "has_order": has_order(statuses),
        }
        with translation.override(self.language):
            return {
                "type": "pool",
                "id": round.last_sequence,
                "products": {
                    str(row.status.round_product.pk): render_to_string(
                        "gaf/includes/product_pool.html", {**context, "row": row}
                    )
                    for row in rows
                },
                "total": render_to_string(
                    "gaf/includes/order_totals_body.html", {**context, "slip": slip}
                ),
                "total_text": euro(slip.total if slip else 0),
            }
