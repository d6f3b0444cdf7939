"""The approved minutes as a PDF: its content, who may download it, and the meeting page's
link to it."""

from __future__ import annotations

import base64
import re
import zlib

import pytest
from django.urls import reverse

from tables import services
from tables.minutes_export import MinutesSheet, minutes_pdf
from tables.models import Table, TableDecision
from tests.tables.factories import make_meeting, make_proposal, make_table

pytestmark = pytest.mark.django_db

BODY = "Il tavolo discute la ludoteca diffusa (Bruino e Orbassano).\nSi decide di procedere."


def pdf_text(data: bytes) -> str:
    """The text ReportLab drew, a line per text object: the strings of the page streams'
    text operators (Tj), which it writes ASCII85 and Flate encoded."""
    assert data.startswith(b"%PDF-")
    texts = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", data, re.S):
        raw = stream.strip()
        if raw.endswith(b"~>"):
            raw = zlib.decompress(base64.a85decode(raw[:-2]))
        for block in re.findall(rb"BT (.*?) ET", raw, re.S):
            line = b""
            for string in re.findall(rb"\(((?:\\.|[^\\)])*)\) Tj", block):
                line += re.sub(
                    rb"\\([0-7]{1,3}|.)",
                    lambda m: bytes([int(m[1], 8)]) if m[1].isdigit() else m[1],
                    string,
                )
            texts.append(line.decode("cp1252"))
    return "\n".join(texts)


def approved_meeting(setup, *, decide=False):
    meeting = make_meeting(setup, title="Riunione di marzo", place="Sala consiliare di Bruino")
    services.agenda_item_add(by=setup.coordinator, meeting=meeting, title="Ludoteca diffusa")
    services.attendance_set(
        by=setup.coordinator,
        meeting=meeting,
        present=[setup.coordinator.pk, setup.member.pk],
        excused=[setup.observer.pk],
    )
    if decide:
        proposal = make_proposal(setup, title="Ludoteca diffusa a Rivalta")
        services.proposal_set_status(by=setup.member, proposal=proposal, to_status="submitted")
        services.decision_record(
            by=setup.coordinator,
            proposal=proposal,
            meeting=meeting,
            outcome=TableDecision.Outcome.APPROVED,
            votes_for=7,
            votes_against=1,
        )
    services.minutes_save(by=setup.coordinator, meeting=meeting, body=BODY)
    services.minutes_approve(by=setup.coordinator, meeting=meeting)
    return meeting


def url(setup, meeting, name="minutes_pdf") -> str:
    return reverse(f"tables:{name}", kwargs={"slug": setup.table.slug, "meeting_id": meeting.pk})


def test_the_pdf_holds_the_meeting_the_attendance_the_text_and_the_decisions(client):
    setup = make_table(visibility=Table.Visibility.PRIVATE, name="Tavolo delle famiglie di Bruino")
    meeting = approved_meeting(setup, decide=True)
    client.force_login(setup.member)
    response = client.get(url(setup, meeting))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="verbale_{setup.table.slug}_{meeting.pk}.pdf"'
    )
    text = pdf_text(response.content)
    assert "Verbale: Riunione di marzo" in text
    assert "Tavolo delle famiglie di Bruino" in text
    assert "Sala consiliare di Bruino" in text
    assert "Il tavolo discute la ludoteca diffusa (Bruino e Orbassano)." in text
    assert "Si decide di procedere." in text
    assert "Ordine del giorno" in text and "Ludoteca diffusa" in text
    assert setup.member.full_name in text and setup.observer.full_name in text
    assert "Ludoteca diffusa a Rivalta: approvata (favorevoli 7, contrari 1, astenuti 0)" in text
    assert "Approvato da" in text


def test_text_outside_the_pdf_fonts_is_drawn_without_failing():
    sheet = MinutesSheet(
        table="Tavolo <b>di</b> Lissone",
        meeting="Riunione ✓ di aprile",
        when="",
        place="",
        body="Caffè «offerto» — grazie\nEmoji 🎉 e tag <script>",
        approved="Approvato",
    )
    text = pdf_text(minutes_pdf(sheet))
    assert "Tavolo <b>di</b> Lissone" in text
    assert "Caffè «offerto» — grazie" in text
    assert "<script>" in text


@pytest.mark.parametrize(
    "who,status",
    [("coordinator", 200), ("member", 200), ("observer", 200), ("outsider", 404), (None, 404)],
)
def test_a_private_tables_minutes_are_for_its_members(client, who, status):
    setup = make_table(visibility=Table.Visibility.PRIVATE)
    meeting = approved_meeting(setup)
    if who is not None:
        client.force_login(getattr(setup, who))
    assert client.get(url(setup, meeting)).status_code == status


def test_a_public_tables_approved_minutes_are_public(client):
    setup = make_table(visibility=Table.Visibility.PUBLIC)
    meeting = approved_meeting(setup)
    assert client.get(url(setup, meeting)).status_code == 200


def test_minutes_not_yet_approved_or_not_written_have_no_pdf(client):
    setup = make_table()
    client.force_login(setup.coordinator)
    meeting = make_meeting(setup)
    assert client.get(url(setup, meeting)).status_code == 404
    services.minutes_save(by=setup.coordinator, meeting=meeting, body=BODY)
    assert client.get(url(setup, meeting)).status_code == 404
    page = client.get(url(setup, meeting, "meeting")).content.decode()
    assert url(setup, meeting) not in page
    other = make_table()
    assert (
        client.get(
            reverse(
                "tables:minutes_pdf", kwargs={"slug": other.table.slug, "meeting_id": meeting.pk}
            )
        ).status_code
        == 404
    )


def test_the_meeting_page_links_the_pdf_once_approved(client, django_assert_max_num_queries):
    setup = make_table(visibility=Table.Visibility.PRIVATE)
    meeting = approved_meeting(setup, decide=True)
    client.force_login(setup.observer)
    page = client.get(url(setup, meeting, "meeting")).content.decode()
    assert f'href="{url(setup, meeting)}"' in page
    assert "Scarica il verbale (PDF)" in page
    with django_assert_max_num_queries(10):
        assert client.get(url(setup, meeting)).status_code == 200
