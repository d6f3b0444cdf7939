"""The group's chat: one room per purchase group and one thread per order round.

The database is the record and the channel layer only a doorbell (DESIGN.md, "Chat"): every
room event (a message, an edit, a deletion, a system message, a pin or an unpin) is a
ChatEvent row numbered 1, 2, 3… per room without gaps. The number is taken from
ChatRoom.last_seq with the room row locked, in the transaction that writes the event, so
numbers commit in order and a client that holds number n asks for everything after n.

Messages are plain text, stored as typed and escaped wherever they are shown. A deleted
message keeps its row as a tombstone (its text erased). System messages (round opened, a
case filled…) have no author, a kind and data, and an idempotency key per room.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gaf.models.groups import PurchaseGroup
from gaf.models.rounds import OrderRound, RoundProduct


class ChatRoom(models.Model):
    """A group's room (round is null) or a round's thread."""

    group = models.ForeignKey(PurchaseGroup, on_delete=models.CASCADE, related_name="chat_rooms")
    round = models.OneToOneField(
        OrderRound, on_delete=models.CASCADE, null=True, blank=True, related_name="chat_room"
    )
    last_seq = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("stanza della chat")
        verbose_name_plural = _("stanze della chat")
        constraints = [
            models.UniqueConstraint(
                fields=["group"], condition=Q(round__isnull=True), name="gaf_chat_one_group_room"
            )
        ]

    def __str__(self) -> str:
        return f"chat {self.group_id}/{self.round_id or '-'}"


class SystemKind(models.TextChoices):
    """What a system message announces in a round's thread."""

    ROUND_OPENED = "round_opened", _("giro aperto")
    CASE_FILLED = "case_filled", _("collo completato")
    TIER_REACHED = "tier_reached", _("scaglione raggiunto")
    LAST_HOUR = "last_hour", _("un'ora alla chiusura")
    ROUND_CLOSED = "round_closed", _("giro chiuso")
    ALLOCATION_CHANGED = "allocation_changed", _("assegnazioni cambiate")
    DELIVERY_RECORDED = "delivery_recorded", _("consegna registrata")


class ChatMessage(models.Model):
    """A message of a room: a person's (author set) or the hub's (system_kind set).

    `seq` is the number of the event that created it. `client_id` is the sender's own id for
    it (a UUID made by the browser): a retried send finds the message already there.
    """

    room = models.ForeignKey(ChatRoom, on_delete=models.CASCADE, related_name="messages")
    seq = models.PositiveIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="gaf_chat_messages",
    )
    # The name shown, as it was when the message was sent (never the e-mail address).
    author_name = models.CharField(max_length=150, blank=True)
    client_id = models.UUIDField(null=True, blank=True)
    body = models.TextField(blank=True)
    mentions = models.JSONField(default=list, blank=True)
    system_kind = models.CharField(max_length=30, choices=SystemKind.choices, blank=True)
    system_data = models.JSONField(default=dict, blank=True)
    system_key = models.CharField(max_length=120, null=True, blank=True)
    attached_round = models.ForeignKey(
        OrderRound, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attached_product = models.ForeignKey(
        RoundProduct, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    removed_by_moderator = models.BooleanField(default=False)
    pinned_at = models.DateTimeField(null=True, blank=True)
    pinned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("messaggio della chat")
        verbose_name_plural = _("messaggi della chat")
        ordering = ["room", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["room", "seq"], name="gaf_chat_message_seq"),
            models.UniqueConstraint(
                fields=["room", "author", "client_id"],
                condition=Q(client_id__isnull=False),
                name="gaf_chat_message_client_id",
            ),
            models.UniqueConstraint(
                fields=["room", "system_key"],
                condition=Q(system_key__isnull=False),
                name="gaf_chat_system_key",
            ),
            models.CheckConstraint(
                condition=Q(system_kind="") | Q(author__isnull=True),
                name="gaf_chat_system_without_author",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.author_name or self.system_kind}"

    @property
    def is_system(self) -> bool:
        return bool(self.system_kind)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class ChatEventKind(models.TextChoices):
    MESSAGE = "message", _("messaggio")
    SYSTEM = "system", _("messaggio di sistema")
    EDIT = "edit", _("modifica")
    DELETE = "delete", _("eliminazione")
    PIN = "pin", _("messaggio fissato")
    UNPIN = "unpin", _("messaggio non più fissato")


class ChatEvent(models.Model):
    """One numbered event of a room; what it did is read from its message's current state
    (so a deleted message's text is never replayed)."""

    Kind = ChatEventKind

    room = models.ForeignKey(ChatRoom, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=ChatEventKind.choices)
    message = models.ForeignKey(ChatMessage, on_delete=models.CASCADE, related_name="events")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("evento della chat")
        verbose_name_plural = _("eventi della chat")
        ordering = ["room", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["room", "seq"], name="gaf_chat_event_gap_free_seq"),
            models.CheckConstraint(condition=Q(seq__gte=1), name="gaf_chat_event_seq_gte_1"),
        ]

    def __str__(self) -> str:
        return f"{self.room_id}#{self.seq} {self.kind}"


class ChatReadState(models.Model):
    """How far a person has read a room: the unread count is what came after."""

    room = models.ForeignKey(ChatRoom, on_delete=models.CASCADE, related_name="read_states")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="gaf_chat_read_states"
    )
    last_read_seq = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("lettura della chat")
        verbose_name_plural = _("letture della chat")
        constraints = [
            models.UniqueConstraint(fields=["room", "user"], name="gaf_chat_one_read_state")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.room_id}: {self.last_read_seq}"


class ChatPresence(models.Model):
    """An open socket in a room, until `expires_at` (refreshed by the client's heartbeat).

    One row per socket (channel), so a person with two tabs stays online when one closes;
    a server that dies leaves rows that simply expire.
    """

    room = models.ForeignKey(ChatRoom, on_delete=models.CASCADE, related_name="presences")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel_name = models.CharField(max_length=200, unique=True)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("presenza nella chat")
        verbose_name_plural = _("presenze nella chat")
        indexes = [models.Index(fields=["room", "expires_at"], name="gaf_chat_presence_room")]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.room_id}"
