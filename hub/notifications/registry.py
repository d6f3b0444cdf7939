"""The kinds of notification the apps send, and how each may be delivered.

An app registers its kinds once, in its AppConfig.ready():

    from hub import notifications
    notifications.register_kind("gaf.round_opened", label=_("apertura di un giro"))
    notifications.register_kind("mention", label=_("menzioni"), always=True)

A person chooses, per kind and per place, how each kind reaches them (Delivery); the kind's
`default` applies until they choose. An `always` kind cannot be turned off (mentions):
its choices are every delivery but OFF. An `immediate` kind never waits for a digest
(mentions): it offers no digest, and a digest chosen for it (before, or for a place)
means an e-mail at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _


class Delivery(models.TextChoices):
    """How a notification reaches its person. Every choice but OFF keeps it in the inbox."""

    EMAIL = "email", _("nella casella e subito per e-mail")
    DAILY = "daily", _("nella casella e nel riepilogo giornaliero")
    WEEKLY = "weekly", _("nella casella e nel riepilogo settimanale")
    INBOX = "inbox", _("solo nella casella delle notifiche")
    OFF = "off", _("non avvisarmi")


# The deliveries that put the notification in an e-mail digest.
DIGESTS = (Delivery.DAILY, Delivery.WEEKLY)

CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
CODE_MAX_LENGTH = 64

# A kind's own e-mail: given the notifications of that kind about to be e-mailed at once,
# (subject, body) or (subject, body, attachments) for each notification id, attachments
# being (filename, content, mimetype) triples (an event's .ics); those it leaves out get the
# hub's plain e-mail.
EmailRenderer = Callable[[list], dict[int, tuple]]


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    default: str = Delivery.EMAIL
    always: bool = False
    render_email: EmailRenderer | None = field(default=None, compare=False)
    immediate: bool = False

    @property
    def choices(self) -> list[tuple[str, str]]:
        return [
            (value, label)
            for value, label in Delivery.choices
            if not (self.always and value == Delivery.OFF)
            and not (self.immediate and value in DIGESTS)
        ]


_kinds: dict[str, Kind] = {}


def register_kind(
    code: str,
    *,
    label,
    default: str = "email",
    always: bool = False,
    render_email: EmailRenderer | None = None,
    immediate: bool = False,
) -> Kind:
    """Declare a kind of notification. Registering the same kind again changes nothing;
    registering a different kind under a code already taken is an error."""
    if not CODE_PATTERN.match(code) or len(code) > CODE_MAX_LENGTH:
        raise ValueError(f"notification kind {code!r}: lowercase words joined by dots")
    if default not in Delivery.values:
        raise ValueError(f"notification kind {code!r}: unknown default delivery {default!r}")
    if always and default == Delivery.OFF:
        raise ValueError(f"notification kind {code!r} is always delivered: it cannot be off")
    if immediate and default in DIGESTS:
        raise ValueError(f"notification kind {code!r} is immediate: it has no digest")
    kind = Kind(code, label, Delivery(default), always, render_email, immediate)
    existing = _kinds.get(code)
    if existing is not None and existing != kind:
        raise ValueError(f"notification kind {code!r} is already registered differently")
    _kinds[code] = kind
    return kind


def get_kind(code: str) -> Kind:
    """The registered kind; LookupError for a code no app registered."""
    try:
        return _kinds[code]
    except KeyError:
        raise LookupError(f"unknown notification kind {code!r}: register it first") from None


def registered_kinds() -> list[Kind]:
    """Every kind, in the order the apps registered them."""
    return list(_kinds.values())


def effective_delivery(kind: Kind, chosen: str | None) -> str:
    """What applies: the person's choice if it is still allowed, else the kind's default;
    for an immediate kind, a digest chosen is an e-mail at once."""
    if chosen is None or chosen not in Delivery.values:
        return kind.default
    if kind.always and chosen == Delivery.OFF:
        return kind.default
    if kind.immediate and chosen in DIGESTS:
        return Delivery.EMAIL
    return chosen
