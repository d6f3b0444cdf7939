"""Live totals on a round's order page (route policy: signed in; rule: can_view_round).

After each committed order change the order services broadcast one `round.state` event to
the round's group (gaf.live.state_event): the round's state at its change number, worked
out once for all the pages. Each socket forwards the pools as they came, and adds its own
family's part (what it would receive and pay if the round closed now, its running total)
from the family's own order history, which it holds in memory: loaded when the socket
opens, followed through the changes each event announces, and read again only when an event
went missing. So an event costs no query per page, and the browser gets data, not HTML:

    {"type": "state", "id": n, "pools": {product_id: pool}, "family": part or null}

`id` is the round's change number (OrderRound.last_sequence): a page ignores any state
not newer than the one it shows, so a late or repeated event never brings back older
totals. The channel layer may drop events, and a page may be offline for a while: a
client sends `{"type": "resume", "last_id": n}` when it connects, and gets the current
state whenever the round has changed since `n`.

The person's access is checked when the socket opens and on every resume; a family taken
out of the group has its sockets closed at once (hub.websocket.ACCESS_REVOKED, in the
person's group `user.<id>`).
"""

from __future__ import annotations

import json
from collections import OrderedDict

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.contrib.auth import get_user_model

from gaf import live_totals, rules, selectors
from gaf.live import NOT_FOUND, compact_json, group_access_scope, round_group, state_event
from gaf.models import OrderRound
from hub.selectors import family_of
from hub.websocket import (
    CloseCode,
    ClosedSocketSends,
    DirectDispatch,
    PersonalGroupEvents,
    user_group,
)

# The shares of the latest events, read once per process for all its pages, by
# (round, version, after); and the latest state event of the last rounds seen, for the
# pages that resume.
SHARES_KEPT = 64
ROUNDS_KEPT = 256
_shares: OrderedDict[tuple, live_totals.RoundShares] = OrderedDict()
_latest: OrderedDict[int, dict] = OrderedDict()


def _read_shares(event: dict) -> live_totals.RoundShares:
    key = (event["round"], event["version"], event["after"])
    shares = _shares.get(key)
    if shares is None:
        shares = _shares[key] = live_totals.shares_from_data(json.loads(event["shares"]))
        while len(_shares) > SHARES_KEPT:
            _shares.popitem(last=False)
    return shares


def _remember(event: dict) -> None:
    known = _latest.get(event["round"])
    if known is None or known["version"] < event["version"]:
        _latest[event["round"]] = event
        _latest.move_to_end(event["round"])
        while len(_latest) > ROUNDS_KEPT:
            _latest.popitem(last=False)


class RoundPoolConsumer(
    ClosedSocketSends, PersonalGroupEvents, DirectDispatch, AsyncJsonWebsocketConsumer
):
    """One order page's live view of a round."""

    async def connect(self):
        self.round_id = int(self.scope["url_route"]["kwargs"]["round_id"])
        self.shown = 0  # the change number of the state the page shows
        self.orders: live_totals.FamilyOrders | None = None
        if not await database_sync_to_async(self._open)():
            await self.close(code=NOT_FOUND)
            return
        self.groups_joined = [round_group(self.round_id), user_group(self.user_id)]
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        for group in getattr(self, "groups_joined", ()):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "ping":
            await self.send_json({"type": "pong"})
        elif kind == "resume":
            last_id = content.get("last_id", 0)
            if isinstance(last_id, bool) or not isinstance(last_id, int) or last_id < 0:
                await self.send_json({"type": "error", "code": "invalid_last_id"})
                return
            self.shown = last_id
            await self._resume()
        else:
            await self.send_json({"type": "error", "code": "unknown_type"})

    async def decode_json(self, text_data):
        try:
            return json.loads(text_data)
        except ValueError:
            return None

    # --- Events from the channel layer ------------------------------------------------------

    async def round_state(self, event):
        _remember(event)
        if event["version"] <= self.shown:
            return
        shares = _read_shares(event)
        if self.orders is not None:
            orders = self.orders.followed_by(shares)
            if orders is None:
                # An event went missing: the family's history is read again (this page only).
                orders = await database_sync_to_async(self._family_orders)()
            self.orders = orders
        await self._send_state(event, shares)

    async def access_revoked(self, event):
        if event.get("scope") == group_access_scope(self.group_id):
            await self.close(code=int(CloseCode.FORBIDDEN))

    # --- Helpers ----------------------------------------------------------------------------

    async def _resume(self):
        event = await database_sync_to_async(self._current)()
        if event is None:
            await self.close(code=NOT_FOUND)
        elif event["version"] > self.shown:
            await self._send_state(event, _read_shares(event))

    async def _send_state(self, event: dict, shares: live_totals.RoundShares):
        family = None
        if self.orders is not None:
            family = compact_json(family_part(shares, self.orders))
        self.shown = event["version"]
        await self.send(
            text_data=(
                f'{{"type":"state","id":{event["version"]},'
                f'"pools":{event["pools"]},"family":{family or "null"}}}'
            )
        )

    # --- Database work (worker threads) -----------------------------------------------------

    def _allowed(self) -> OrderRound | None:
        """The round, while the person (read afresh) may see it; else None."""
        user = get_user_model().objects.filter(pk=self.scope["user"].pk, is_active=True).first()
        round = OrderRound.objects.select_related("group").filter(pk=self.round_id).first()
        if user is None or round is None or not rules.can_view_round(user, round):
            return None
        self.user_id = user.pk
        self.group_id = round.group_id
        self.family = family_of(user)
        return round

    def _open(self) -> bool:
        if self._allowed() is None:
            return False
        if self.family is not None:
            self.orders = self._family_orders()
        return True

    def _family_orders(self) -> live_totals.FamilyOrders:
        return selectors.family_order_history(round_id=self.round_id, family_id=self.family.pk)

    def _current(self) -> dict | None:
        """The round's current state event (this process's latest when it is current), and
        the family's history up to it; None when the person may no longer see the round."""
        round = self._allowed()
        if round is None:
            return None
        event = _latest.get(self.round_id)
        if event is None or event["version"] < round.last_sequence:
            state = selectors.round_live_state(round_id=self.round_id)
            if state is None:
                return None
            event = state_event(self.round_id, state.version, state.pools, state.shares)
            _remember(event)
        if self.family is not None and (
            self.orders is None or self.orders.known < event["version"]
        ):
            self.orders = self._family_orders()
        return event


def family_part(shares: live_totals.RoundShares, orders: live_totals.FamilyOrders) -> dict:
    """The family's part of a state message, from the shares and its own history (no
    query): its order, what it would receive and pay if the round closed now, and the
    running total of its saved order."""
    orders = orders.as_of(shares.version)
    figures = live_totals.family_figures(shares, orders)
    basket = live_totals.saved_basket(orders.lines, shares.prices, shares.fund_percent)
    return live_totals.family_data(figures, orders, basket)
