"""Chat text on plain values: what a message may contain, links, mentions, escaping, and the
socket's frame schemas (gaf.chat_text, gaf.chat_protocol)."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gaf.chat_protocol import MAX_FRAME_CHARS, FrameError, parse_frame
from gaf.chat_text import MAX_LENGTH, BodyError, clean_body, find_mentions, parts, render_html

MEMBERS = {1: "Anna", 2: "Anna Maria", 3: "Famiglia Rossi", 4: "Famiglia Rossi"}


def test_clean_body_trims_unifies_newlines_and_drops_control_characters():
    assert clean_body("  ciao\r\na tutti\x00\u202e!  ") == "ciao\na tutti!"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty"),
        ("   \n\t ", "empty"),
        ("x" * (MAX_LENGTH + 1), "too_long"),
        (42, "invalid_body"),
    ],
)
def test_clean_body_refuses(text, code):
    with pytest.raises(BodyError) as refused:
        clean_body(text)
    assert refused.value.code == code
    assert refused.value.message  # an Italian sentence for the person


def test_the_limit_counts_characters_not_bytes():
    assert clean_body("è" * MAX_LENGTH) == "è" * MAX_LENGTH


def test_links_are_http_and_https_only_without_trailing_punctuation():
    text = "Vedi https://esempio.it/listino.pdf, (o http://a.it/x_(y)) e javascript:alert(1)."
    found = [part["link"] for part in parts(text) if "link" in part]
    assert found == ["https://esempio.it/listino.pdf", "http://a.it/x_(y)"]
    assert "".join(part["text"] for part in parts(text)) == text


def test_mentions_take_the_longest_member_name_and_skip_email_addresses():
    text = "@anna maria e @Anna, scrivete a anna@example.org; @Famiglia Rossi!"
    mentions = find_mentions(text, MEMBERS)
    assert [(m.name, m.user_ids) for m in mentions] == [
        ("anna maria", (2,)),
        ("Anna", (1,)),
        ("Famiglia Rossi", (3, 4)),
    ]
    assert find_mentions("@Annalisa", MEMBERS) == []


def test_render_html_escapes_everything_and_links_with_nofollow():
    html = render_html(parts('<script>x</script> "https://a.it/?q=<b>&x=1" @Anna', MEMBERS))
    assert html == (
        "&lt;script&gt;x&lt;/script&gt; &quot;"
        '<a href="https://a.it/?q=" rel="nofollow noopener">https://a.it/?q=</a>'
        "&lt;b&gt;&amp;x=1&quot; "
        '<span class="gaf-chat-mention">@Anna</span>'
    )


@given(st.text(max_size=200))
def test_no_html_from_users_ever(text):
    """Whatever the text, the HTML has only the hub's own tags, and reads as the text."""
    html = render_html(parts(text, MEMBERS))
    tags = re.findall(r"<[^>]*>", html)
    assert all(
        re.fullmatch(r'<a href="https?://[^"<>]*" rel="nofollow noopener">|</a>', tag)
        or tag in {'<span class="gaf-chat-mention">', "</span>"}
        for tag in tags
    ), tags
    unescaped = re.sub(r"<[^>]*>", "", html)
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&#x27;", "'")):
        unescaped = unescaped.replace(entity, char)
    assert unescaped.replace("&amp;", "&") == text


# --- Frames -------------------------------------------------------------------------------------


def frame(**content) -> str:
    return json.dumps(content)


def test_valid_frames_are_parsed():
    client_id = str(uuid.uuid4())
    sent = parse_frame(
        frame(type="send", client_id=client_id, body="ciao", attach={"kind": "round", "id": 3})
    )
    assert (sent.type, str(sent["client_id"]), sent["attach"]) == (
        "send",
        client_id,
        {"kind": "round", "id": 3},
    )
    assert parse_frame(frame(type="resume", after=0))["after"] == 0
    assert parse_frame(frame(type="ping")).type == "ping"


# A fixed id: pytest-xdist's workers must collect the same parameters.
SOME_CLIENT_ID = "0c55730f-4d5a-4172-a35e-c7fc8ae98d1e"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("{not json", "invalid_json"),
        ("[1, 2]", "invalid_frame"),
        (frame(type="dance"), "unknown_type"),
        (frame(kind="send"), "unknown_type"),
        (frame(type="resume"), "invalid_frame"),
        (frame(type="resume", after=-1), "invalid_frame"),
        (frame(type="resume", after=True), "invalid_frame"),
        (frame(type="resume", after="3"), "invalid_frame"),
        (frame(type="send", client_id="nope", body="x"), "invalid_frame"),
        (frame(type="send", client_id=SOME_CLIENT_ID, body=["x"]), "invalid_frame"),
        (frame(type="send", client_id=SOME_CLIENT_ID, body="x", html="<b>"), "invalid_frame"),
        (
            frame(type="send", client_id=SOME_CLIENT_ID, body="x", attach={"kind": "user"}),
            "invalid_frame",
        ),
        (frame(type="edit", message_id=0, body="x"), "invalid_frame"),
        (frame(type="pin", message_id=1, pinned="yes"), "invalid_frame"),
        ("x" * (MAX_FRAME_CHARS + 1), "frame_too_large"),
    ],
)
def test_bad_frames_are_refused_with_a_code_and_a_message(text, code):
    with pytest.raises(FrameError) as refused:
        parse_frame(text)
    assert refused.value.code == code
    assert refused.value.message


def test_binary_frames_are_refused():
    with pytest.raises(FrameError) as refused:
        parse_frame(None, b"\x00\x01")
    assert refused.value.code == "invalid_frame"
