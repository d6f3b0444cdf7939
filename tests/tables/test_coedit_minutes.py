"""Minutes written together (issue 14, item 6): the meeting page leads to the real-time
editor; the approval takes the co-edited text when it is newer than the form's, and the
approved minutes (and their PDF) are that text."""

import datetime as dt

import pytest
from django.urls import reverse

from tables import services
from tables.coedit import services as coedit
from tables.coedit.content import text_blocks
from tables.models import CoeditDocument, Minutes
from tests.tables.factories import make_meeting, make_table
from tests.tables.test_minutes_pdf import pdf_text

pytestmark = pytest.mark.django_db


def type_together(meeting, text: str) -> None:
    document = coedit.document_open(kind=CoeditDocument.Kind.MINUTES, target=meeting)
    coedit.document_replace_blocks(document_id=document.pk, blocks=text_blocks(text))


def test_the_meeting_page_leads_members_to_the_live_minutes(client):
    setup = make_table()
    meeting = make_meeting(setup)
    editor = reverse("tables_coedit:minutes_text", args=[setup.table.slug, meeting.pk])
    page = reverse("tables:meeting", args=[setup.table.slug, meeting.pk])
    client.force_login(setup.member)
    assert editor in client.get(page).content.decode()
    client.force_login(setup.observer)
    assert editor not in client.get(page).content.decode()


def test_approving_takes_the_minutes_written_together(client):
    setup = make_table()
    meeting = make_meeting(setup)
    type_together(meeting, "Presenti sette famiglie.\nSi approva il centro estivo.")
    minutes = services.minutes_approve(by=setup.coordinator, meeting=meeting)
    assert minutes.body == "Presenti sette famiglie.\nSi approva il centro estivo."
    client.force_login(setup.member)
    pdf = client.get(reverse("tables:minutes_pdf", args=[setup.table.slug, meeting.pk]))
    assert "Si approva il centro estivo." in pdf_text(
        b"".join(pdf.streaming_content) if pdf.streaming else pdf.content
    )


def test_the_newer_text_wins_between_the_form_and_the_editor():
    setup = make_table()
    meeting = make_meeting(setup)
    type_together(meeting, "Bozza scritta insieme.")
    # The form saved afterwards is newer: it is what the coordinator approves.
    services.minutes_save(by=setup.coordinator, meeting=meeting, body="Testo del modulo.")
    assert services.minutes_approve(by=setup.coordinator, meeting=meeting).body == (
        "Testo del modulo."
    )
    other = make_meeting(setup, title="Seconda riunione")
    services.minutes_save(by=setup.coordinator, meeting=other, body="Testo del modulo.")
    Minutes.objects.filter(meeting=other).update(
        updated_at=Minutes.objects.get(meeting=other).updated_at - dt.timedelta(minutes=5)
    )
    type_together(other, "Testo scritto insieme, dopo.")
    assert services.minutes_approve(by=setup.coordinator, meeting=other).body == (
        "Testo scritto insieme, dopo."
    )
