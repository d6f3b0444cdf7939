"""Writes of the notification centre: notify, read and unread, choices, e-mails, digests.

Side effects follow the hub's rule (STYLE.md 4): the rows are written in the caller's
transaction; the live bell update and the e-mail task leave only after it commits.
E-mails are claimed with the rows locked and marked sent in the same transaction, so a
task that runs twice (a retry, two clusters) never sends a notification twice.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from hub.notifications import rules, selectors
from hub.notifications.digests import group_by_place, period_before
from hub.notifications.models import (
    BODY_MAX_LENGTH,
    KEY_MAX_LENGTH,
    PLACE_LABEL_MAX_LENGTH,
    PLACE_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    TOPIC_KEY,
    TOPIC_LABEL_KEY,
    TOPIC_MAX_LENGTH,
    URL_MAX_LENGTH,
    Notification,
    NotificationPreference,
)
from hub.notifications.registry import DIGESTS, Delivery, get_kind
from hub.urls_absolute import absolute_url, base_url
from hub.websocket import broadcast_many_on_commit, broadcast_on_commit, user_group

EMAIL_TEMPLATE = "hub/email/notification"
DIGEST_TEMPLATE = "hub/email/notification_digest"

# --- notify ---------------------------------------------------------------------------------


def _user_ids(users: Iterable, actor_id: int | None) -> list[int]:
    ids: dict[int, None] = {}
    for user in users:
        user_id = getattr(user, "pk", user)
        if not isinstance(user_id, int):
            raise ValueError(f"not a person: {user!r}")
        if user_id != actor_id:
            ids[user_id] = None
    return list(ids)


def _site_path(url: str) -> str:
    """`url` as a path on the hub ("" stays ""); ValueError for anything else (another
    site, a `javascript:` URL), so that the inbox only ever links inside the hub."""
    url = url.strip()
    if url.startswith(base_url() + "/"):
        url = url[len(base_url()) :]
    if not url:
        return ""
    if (
        not url.startswith("/")
        or url.startswith("//")
        or "\\" in url
        or any(ord(char) < 32 for char in url)
        or len(url) > URL_MAX_LENGTH
    ):
        raise ValueError(f"a notification links to a path on the hub, not {url!r}")
    return url


def _one_line(text: str, length: int) -> str:
    return Truncator(" ".join(str(text).split())).chars(length)


@transaction.atomic
def notify(
    *,
    users,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    place: str = "",
    place_label: str = "",
    actor=None,
    key: str = "",
    data: dict | None = None,
    topic: str = "",
    topic_label: str = "",
    now: dt.datetime | None = None,
) -> list[Notification]:
    """See hub.notifications.notify. A fixed number of queries, whatever the number of
    people: active people, their choices, the keys already used, the insert, unread counts."""
    get_kind(kind)
    title = _one_line(title, TITLE_MAX_LENGTH)
    if not title:
        raise ValueError("a notification needs a title")
    body = Truncator(str(body).strip()).chars(BODY_MAX_LENGTH)
    url = _site_path(url)
    if len(place) > PLACE_MAX_LENGTH:
        raise ValueError(f"a place key has at most {PLACE_MAX_LENGTH} characters")
    place_label = _one_line(place_label, PLACE_LABEL_MAX_LENGTH)
    key = key.strip()
    if len(key) > KEY_MAX_LENGTH:
        raise ValueError(f"a key has at most {KEY_MAX_LENGTH} characters")
    data = dict(data or {})
    if topic:
        if len(topic) > TOPIC_MAX_LENGTH:
            raise ValueError(f"a topic key has at most {TOPIC_MAX_LENGTH} characters")
        data[TOPIC_KEY] = topic
        data[TOPIC_LABEL_KEY] = _one_line(topic_label, PLACE_LABEL_MAX_LENGTH)
    actor_id = getattr(actor, "pk", actor)
    user_ids = _user_ids(users, actor_id)
    if not user_ids:
        return []

    active = set(
        get_user_model()
        .objects.filter(pk__in=user_ids, is_active=True)
        .values_list("pk", flat=True)
    )
    deliveries = selectors.deliveries_for([i for i in user_ids if i in active], kind, place)
    user_ids = [i for i in user_ids if deliveries.get(i, Delivery.OFF) != Delivery.OFF]
    if key and user_ids:
        taken = set(
            Notification.objects.filter(user_id__in=user_ids, key=key).values_list(
                "user_id", flat=True
            )
        )
        user_ids = [i for i in user_ids if i not in taken]
    if not user_ids:
        return []

    now = now or timezone.now()
    created = _insert(
        [
            Notification(
                user_id=user_id,
                kind=kind,
                title=title,
                body=body,
                url=url,
                place=place,
                place_label=place_label,
                actor_id=actor_id,
                key=key,
                data=data,
                delivery=deliveries[user_id],
                created_at=now,
            )
            for user_id in user_ids
        ]
    )
    _deliver_on_commit(created)
    return created


# The columns in which the notifications of one notify differ: the rest are the same for all.
PER_PERSON = ("user", "delivery")


def _bulk_insert(rows: list[Notification]) -> list[Notification]:
    """Insert the rows of one notify with ONE statement whatever their number.

    Django's bulk_create sends every value of every row as a parameter: on SQLite (999
    parameters a statement) the 300 families of a round took five statements, three times
    as long as this one. The rows differ only in their PER_PERSON columns: those travel as
    one JSON parameter, joined to the other values, sent once (as gaf's bulk updates do
    on PostgreSQL). The database returns each person's id.
    """
    if connection.vendor not in {"sqlite", "postgresql"} or not (
        connection.features.can_return_rows_from_bulk_insert  # SQLite 3.35 and later
    ):
        return Notification.objects.bulk_create(rows)
    meta = Notification._meta
    per_person = [meta.get_field(name) for name in PER_PERSON]
    shared = [
        field
        for field in meta.concrete_fields
        if not field.primary_key and field.name not in PER_PERSON
    ]
    first = rows[0]
    quote = connection.ops.quote_name
    if connection.vendor == "sqlite":
        picked = [f"json_extract(value, '$[{index}]')" for index in range(len(per_person))]
        given = ["%s"] * len(shared)
        source = "json_each(%s)"
    else:
        # Typed, as the SELECT's values are not typed by the columns they go to.
        picked = [
            f"(value ->> {index})::{field.db_type(connection)}"
            for index, field in enumerate(per_person)
        ]
        given = [f"%s::{field.db_type(connection)}" for field in shared]
        source = "jsonb_array_elements(%s::jsonb)"
    columns = ", ".join(quote(field.column) for field in [*per_person, *shared])
    # Built from the model's metadata only; the values are bound parameters.
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) "  # noqa: S608
        f"SELECT {', '.join([*picked, *given])} FROM {source} "
        f"RETURNING {quote(meta.pk.column)}, {quote(per_person[0].column)}"
    )
    params = [field.get_db_prep_save(field.pre_save(first, True), connection) for field in shared]
    people = [[getattr(row, field.attname) for field in per_person] for row in rows]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, json.dumps(people)])
        # Returned in no given order: by person (one row each in a notify).
        ids = {user_id: pk for pk, user_id in cursor.fetchall()}
    for row in rows:
        row.pk = ids[row.user_id]
        row._state.adding = False
        row._state.db = connection.alias
    return rows


def _insert(rows: list[Notification]) -> list[Notification]:
    """The rows of one notify inserted (rows that differ only in PER_PERSON, one a person)."""
    if not rows[0].key:
        return _bulk_insert(rows)
    try:
        with transaction.atomic():
            return _bulk_insert(rows)
    except IntegrityError:
        # A concurrent notify with the same key reached some of these people first.
        created = []
        for row in rows:
            try:
                with transaction.atomic():
                    row.save(force_insert=True)
            except IntegrityError:
                continue
            created.append(row)
        return created


def open_path(notification: Notification) -> str:
    """The inbox's link for a notification: it marks it read, then goes to its page."""
    return reverse("notification_open", kwargs={"notification_id": notification.pk})


# Stands for the id in a link reversed once for many notifications (`_open_paths`).
_ANY_ID = 987654321


def _open_paths(notifications: Iterable[Notification]) -> dict[int, str]:
    """`open_path` of each notification by id, reversed once for all: the route's `int`
    converter writes an id as its digits (a reversal each took a notify of hundreds of
    people more time than its insert)."""
    before, after = reverse("notification_open", kwargs={"notification_id": _ANY_ID}).rsplit(
        str(_ANY_ID), 1
    )
    return {notification.pk: f"{before}{notification.pk}{after}" for notification in notifications}


def live_messages(notifications: list[Notification], unread: Mapping[int, int]) -> list[dict]:
    """What their person's open pages receive about new notifications (hub.consumers);
    `unread` is each person's unread count, by user id. The notifications of one notify
    share their text: each distinct one is shortened once."""
    paths = _open_paths(notifications)
    bodies = {body: Truncator(body).chars(200) for body in {n.body for n in notifications}}
    return [
        {
            "type": "notification",
            "id": notification.pk,
            "kind": notification.kind,
            "title": notification.title,
            "body": bodies[notification.body],
            "url": paths[notification.pk],
            "place_label": notification.place_label,
            "unread": unread[notification.user_id],
        }
        for notification in notifications
    ]


def _deliver_on_commit(created: list[Notification]) -> None:
    if not created:
        return
    counts = selectors.unread_counts({row.user_id for row in created})
    # Every bell in one after-commit hook (a round's close tells hundreds of families).
    broadcast_many_on_commit(
        zip(
            [user_group(row.user_id) for row in created],
            live_messages(created, counts),
            strict=True,
        )
    )
    to_email = [row.pk for row in created if row.delivery == Delivery.EMAIL]
    if to_email:
        from hub.task_queue import enqueue_on_commit

        enqueue_on_commit(
            "hub.notifications.tasks.send_now",
            notification_ids=to_email,
            language=translation.get_language() or settings.LANGUAGE_CODE,
            task_name=f"notifications:email:{to_email[0]}",
        )


# --- Withdraw -------------------------------------------------------------------------------


@transaction.atomic
def notifications_withdraw(*, users=None, place: str, keep=()) -> int:
    """Forget `place` for these people (people or ids; None: everyone but `keep`): its
    notifications, read or not,
    e-mailed or waiting for a digest, and their choices for it. What they may no longer see
    (a private table they left) leaves their inbox, their next digest and their choices
    page. Returns how many notifications; their bells get the new unread counts after the
    commit."""
    if not place:
        raise ValueError("withdrawing needs a place")
    if users is None:
        # Everyone who heard from the place or chose for it, but `keep`.
        kept = set(_user_ids(keep, None))
        heard = Notification.objects.filter(place=place).values_list("user_id", flat=True)
        chose = NotificationPreference.objects.filter(place=place).values_list("user_id", flat=True)
        users = sorted({*heard, *chose} - kept)
    user_ids = _user_ids(users, None)
    if not user_ids:
        return 0
    NotificationPreference.objects.filter(user_id__in=user_ids, place=place).delete()
    deleted, _by_model = Notification.objects.filter(user_id__in=user_ids, place=place).delete()
    if deleted:
        for user_id in user_ids:
            _announce_unread(user_id)
    return deleted


# --- Read and unread ------------------------------------------------------------------------


def _announce_unread(user_id: int) -> None:
    broadcast_on_commit(
        user_group(user_id),
        {"type": "notification.read", "unread": selectors.unread_count(user_id)},
    )


@transaction.atomic
def notification_mark_read(
    *, notification: Notification, by, read: bool = True, now: dt.datetime | None = None
) -> bool:
    """Mark the person's notification read (or unread again); True if it changed."""
    if not rules.owns_notification(by, notification):
        raise PermissionDenied
    rows = Notification.objects.filter(pk=notification.pk)
    if read:
        changed = rows.filter(read_at__isnull=True).update(read_at=now or timezone.now())
    else:
        changed = rows.filter(read_at__isnull=False).update(read_at=None)
    if changed:
        _announce_unread(by.pk)
    return bool(changed)


@transaction.atomic
def notifications_mark_all_read(*, by, now: dt.datetime | None = None) -> int:
    """Mark every unread notification of the person read; returns how many."""
    changed = Notification.objects.filter(user=by, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )
    if changed:
        _announce_unread(by.pk)
    return changed


# --- Choices --------------------------------------------------------------------------------


def preference_field(kind: str, place: str) -> str:
    """How a (kind, place) choice is named in a refusal and in the preferences form."""
    return f"{kind}|{place}"


@transaction.atomic
def notification_preferences_set(
    *,
    user,
    choices: Mapping[tuple[str, str], str | None],
    place_labels: Mapping[str, str] | None = None,
) -> None:
    """Set the person's choices: (kind, place) -> a Delivery value, or None to follow the
    general choice (for a place) or the kind's default (place ""). All or nothing; the
    refusal names each bad choice as `preference_field(kind, place)`. Four queries at most."""
    errors: dict[str, str] = {}
    for (code, place), delivery in choices.items():
        field = preference_field(code, place)
        try:
            kind = get_kind(code)
        except LookupError:
            errors[field] = _("Tipo di notifica sconosciuto.")
            continue
        if len(place) > PLACE_MAX_LENGTH:
            errors[field] = _("Luogo sconosciuto.")
        elif delivery is not None and delivery not in Delivery.values:
            errors[field] = _(
                "Scelta non valida: solo nella casella, e-mail subito, riepilogo "
                "giornaliero o settimanale, oppure nessun avviso."
            )
        elif delivery == Delivery.OFF and kind.always:
            errors[field] = _("Questo tipo di notifica non si può disattivare: arriva sempre.")
        elif delivery in DIGESTS and kind.immediate:
            errors[field] = _(
                "Questo tipo di notifica arriva subito: per e-mail o solo nella casella, "
                "mai nel riepilogo."
            )
    if errors:
        raise ValidationError(errors)

    labels = place_labels or {}
    existing = {
        (row.kind, row.place): row for row in NotificationPreference.objects.filter(user=user)
    }
    to_create, to_update, to_delete = [], [], []
    for (code, place), delivery in choices.items():
        row = existing.get((code, place))
        if delivery is None:
            if row is not None:
                to_delete.append(row.pk)
        elif row is None:
            to_create.append(
                NotificationPreference(
                    user=user,
                    kind=code,
                    place=place,
                    place_label=_one_line(labels.get(place, ""), PLACE_LABEL_MAX_LENGTH),
                    delivery=delivery,
                )
            )
        elif row.delivery != delivery:
            row.delivery = delivery
            to_update.append(row)
    if to_delete:
        NotificationPreference.objects.filter(pk__in=to_delete).delete()
    if to_update:
        NotificationPreference.objects.bulk_update(to_update, ["delivery"])
    if to_create:
        NotificationPreference.objects.bulk_create(to_create)


# --- E-mail at once -------------------------------------------------------------------------


def _context(notification: Notification) -> dict:
    return {
        "title": notification.title,
        "body": notification.body,
        "place_label": notification.place_label,
        "created_at": timezone.localtime(notification.created_at),
        "link": absolute_url(open_path(notification)),
        "preferences_url": absolute_url(reverse("notification_preferences")),
    }


def _render(template: str, context: dict) -> tuple[str, str]:
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    return subject, render_to_string(f"{template}_body.txt", context)


def notifications_email_now(
    *, notification_ids: Iterable[int], language: str = "it", now: dt.datetime | None = None
) -> int:
    """E-mail the given notifications that are due at once and not e-mailed yet; returns
    how many were sent. Each kind's own renderer writes its e-mails (registry), the hub's
    plain template the others."""
    now = now or timezone.now()
    with transaction.atomic():
        pending = list(
            Notification.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(
                pk__in=list(notification_ids),
                delivery=Delivery.EMAIL,
                emailed_at__isnull=True,
                user__is_active=True,
            )
            .order_by("pk")
        )
        if not pending:
            return 0
        by_kind: dict[str, list[Notification]] = defaultdict(list)
        for notification in pending:
            by_kind[notification.kind].append(notification)
        messages = []
        with translation.override(language):
            for code, notifications in by_kind.items():
                renderer = get_kind(code).render_email
                own = renderer(notifications) if renderer else {}
                for notification in notifications:
                    subject, body, *attached = own.get(notification.pk) or _render(
                        EMAIL_TEMPLATE, _context(notification)
                    )
                    message = EmailMessage(
                        subject, body, settings.DEFAULT_FROM_EMAIL, [notification.user.email]
                    )
                    for filename, content, mimetype in attached[0] if attached else ():
                        message.attach(filename, content, mimetype)
                    messages.append(message)
        sent = get_connection().send_messages(messages) or 0
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=now)
    return sent


# --- Digests --------------------------------------------------------------------------------


def digest_send(*, delivery: str, now: dt.datetime | None = None) -> int:
    """Send each person their digest (daily or weekly): every notification of theirs with
    that delivery created before the period's end and not e-mailed yet, grouped by place
    and, within a place, by topic (a table's proposal), newest first. One e-mail per
    person; returns how many were sent. Safe to run twice: a second run finds nothing
    left to send."""
    if delivery not in DIGESTS:
        raise ValueError(f"not a digest delivery: {delivery!r}")
    now = now or timezone.now()
    period = period_before(delivery, now)
    user_ids = (
        Notification.objects.filter(
            delivery=delivery,
            emailed_at__isnull=True,
            created_at__lt=period.end,
            user__is_active=True,
        )
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )
    return sum(_digest_send_one(user_id, delivery, period, now) for user_id in list(user_ids))


@transaction.atomic
def _digest_send_one(user_id: int, delivery: str, period, now: dt.datetime) -> int:
    items = list(
        Notification.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(
            user_id=user_id,
            delivery=delivery,
            emailed_at__isnull=True,
            created_at__lt=period.end,
        )
        .order_by("-created_at", "-pk")
    )
    if not items:
        return 0  # another run sent them meanwhile
    groups = [
        {
            "label": group.place_label,
            "topics": [
                {
                    "label": topic.topic_label,
                    "items": [
                        {**_context(item), "created_at": timezone.localtime(item.created_at)}
                        for item in topic.items
                    ],
                }
                for topic in group.topics
            ],
        }
        for group in group_by_place(items)
    ]
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = _render(
            DIGEST_TEMPLATE,
            {
                "weekly": delivery == Delivery.WEEKLY,
                "first_day": period.first_day,
                "last_day": period.last_day,
                "count": len(items),
                "groups": groups,
                "inbox_url": absolute_url(reverse("notifications")),
                "preferences_url": absolute_url(reverse("notification_preferences")),
            },
        )
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [items[0].user.email]).send()
    Notification.objects.filter(pk__in=[item.pk for item in items]).update(emailed_at=now)
    return 1
