"""How the tables' notifications reach people: digests grouped by proposal (issue 13, 7),
mentions always at once."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from hub import notifications
from hub.notifications import services as centre
from hub.notifications.models import Notification, NotificationPreference
from hub.notifications.registry import get_kind
from tables import services
from tables.models import Membership, Role, Table
from tables.notifications import COMMENT, MEETING, STATUS, place_of
from tests.tables.factories import make_meeting, make_proposal, make_table

pytestmark = pytest.mark.django_db

ROME = ZoneInfo("Europe/Rome")


def tomorrow_morning() -> dt.datetime:
    today = timezone.now().astimezone(ROME).date()
    return dt.datetime.combine(today + dt.timedelta(days=1), dt.time(7), tzinfo=ROME)


def blocks(body: str) -> list[tuple[str, list[str]]]:
    """The digest's proposal blocks: (block label, the titles listed under it)."""
    found, current = [], None
    for line in body.splitlines():
        if match := re.fullmatch(r"-- (.+) --", line):
            current = (match.group(1), [])
            found.append(current)
        elif line.startswith("== "):
            current = None
        elif current is not None and line.startswith("- "):
            current[1].append(line.split(" · ", 1)[1])
    return found


def test_a_daily_digest_shows_one_block_per_proposal_newest_first():
    setup = make_table()
    table, member = setup.table, setup.member
    setup.coordinator.full_name = "Carla Verdi"
    setup.coordinator.save()
    centre.notification_preferences_set(
        user=member,
        choices={(kind, place_of(table.pk)): "daily" for kind in (COMMENT, STATUS, MEETING)},
    )
    school = make_proposal(setup, title="Doposcuola condiviso")
    summer = make_proposal(setup, title="Centro estivo")
    for proposal, body in [(school, "Primo"), (summer, "Secondo"), (school, "Terzo")]:
        services.comment_create(by=setup.coordinator, proposal=proposal, body=body)
    make_meeting(setup, title="Riunione di marzo")
    mail.outbox.clear()

    assert centre.digest_send(delivery="daily", now=tomorrow_morning()) == 1

    (digest,) = [m for m in mail.outbox if m.to == [member.email]]
    found = blocks(digest.body)
    assert [label for label, _titles in found] == [
        "Riunione «Riunione di marzo»",
        "Proposta «Doposcuola condiviso»",
        "Proposta «Centro estivo»",
    ]
    assert found[0][1][0].startswith("Riunione convocata: Riunione di marzo")
    assert found[1][1] == ["Nuovo commento di Carla Verdi su «Doposcuola condiviso»"] * 2
    assert found[2][1] == ["Nuovo commento di Carla Verdi su «Centro estivo»"]
    # Every notification of the period is in it, once, under its table's name, newest first.
    assert digest.body.count(f"== {table.name} ==") == 1
    assert digest.body.index("Terzo") < digest.body.index("Primo")
    assert not Notification.objects.filter(user=member, emailed_at__isnull=True).exists()


def test_a_mention_is_e_mailed_at_once_whatever_the_digest_chosen(
    django_capture_on_commit_callbacks,
):
    setup = make_table()
    proposal = make_proposal(setup)
    setup.member.full_name = "Anna Bianchi"
    setup.member.save()
    place = place_of(setup.table.pk)
    # Digests chosen for every kind of this table, mentions included (rows written before
    # mentions became immediate, or around the service): the mention still goes at once.
    centre.notification_preferences_set(
        user=setup.member, choices={(COMMENT, place): "weekly", (STATUS, place): "daily"}
    )
    NotificationPreference.objects.create(
        user=setup.member, kind=notifications.MENTION, place=place, delivery="weekly"
    )
    NotificationPreference.objects.create(
        user=setup.member, kind=notifications.MENTION, place="", delivery="daily"
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(
            by=setup.coordinator, proposal=proposal, body="@Anna Bianchi, che ne pensi?"
        )
    (mention,) = Notification.objects.filter(user=setup.member)
    assert (mention.kind, mention.delivery) == (notifications.MENTION, "email")
    assert mention.emailed_at is not None
    assert [m.to for m in mail.outbox] == [[setup.member.email]]
    assert "ti ha menzionato" in mail.outbox[0].subject


def test_nobody_can_choose_a_digest_for_mentions():
    setup = make_table()
    mention = get_kind(notifications.MENTION)
    assert [value for value, _label in mention.choices] == ["email", "inbox"]
    for delivery in ("daily", "weekly"):
        with pytest.raises(ValidationError) as refused:
            centre.notification_preferences_set(
                user=setup.member,
                choices={(notifications.MENTION, place_of(setup.table.pk)): delivery},
            )
        assert "arriva subito" in str(refused.value)
    assert not NotificationPreference.objects.filter(user=setup.member).exists()


def test_who_leaves_a_private_table_keeps_nothing_of_it_in_inbox_digest_or_choices(
    client, django_capture_on_commit_callbacks
):
    private = make_table(visibility=Table.Visibility.PRIVATE)
    public = make_table()
    member, place = private.member, place_of(private.table.pk)
    centre.notification_preferences_set(
        user=member, choices={(COMMENT, place): "daily"}, place_labels={place: "Riservato"}
    )
    proposal = make_proposal(private, title="Proposta riservata Ortica")
    services.comment_create(by=private.coordinator, proposal=proposal, body="Ortica")
    make_meeting(private, title="Riunione riservata Ortica")
    Membership.objects.create(table=public.table, user=member, role=Role.MEMBER)
    elsewhere = make_meeting(public, title="Riunione pubblica")
    assert Notification.objects.filter(user=member, place=place).count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        services.membership_remove(
            by=private.coordinator,
            membership=Membership.objects.get(table=private.table, user=member),
        )

    assert not Notification.objects.filter(user=member, place=place).exists()
    assert not NotificationPreference.objects.filter(user=member, place=place).exists()
    # What they still see stays.
    assert Notification.objects.filter(user=member, title__contains=elsewhere.title).exists()
    client.force_login(member)
    for url in ("/notifiche/", "/notifiche/preferenze/"):
        page = client.get(url).content.decode()
        assert "Ortica" not in page and private.table.name not in page, url
        assert "Riservato" not in page
    mail.outbox.clear()
    centre.digest_send(delivery="daily", now=tomorrow_morning())
    assert not any("Ortica" in m.body for m in mail.outbox)


def test_who_leaves_a_public_table_keeps_their_notifications():
    setup = make_table()
    make_meeting(setup, title="Riunione aperta")
    services.membership_remove(
        by=setup.coordinator,
        membership=Membership.objects.get(table=setup.table, user=setup.member),
    )
    assert Notification.objects.filter(user=setup.member, kind=MEETING).exists()


def test_a_table_made_private_withdraws_what_non_members_heard_of_it():
    setup = make_table()
    place = place_of(setup.table.pk)
    services.membership_request_create(by=setup.outsider, table=setup.table, message="Ciao")
    request = setup.table.membership_requests.get()
    services.membership_request_decide(
        by=setup.coordinator, request=request, approve=False, reason="Tavolo al completo"
    )
    assert Notification.objects.filter(user=setup.outsider, place=place).exists()
    make_meeting(setup, title="Riunione")
    members_before = set(
        Notification.objects.filter(place=place)
        .exclude(user=setup.outsider)
        .values_list("pk", flat=True)
    )
    services.table_update(
        by=setup.coordinator,
        table=setup.table,
        name=setup.table.name,
        description="",
        visibility=Table.Visibility.PRIVATE,
    )
    assert not Notification.objects.filter(user=setup.outsider, place=place).exists()
    assert set(Notification.objects.filter(place=place).values_list("pk", flat=True)) == (
        members_before
    )
