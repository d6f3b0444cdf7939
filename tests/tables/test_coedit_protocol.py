"""The Yjs wire protocol and the update reader, on plain bytes (tables.coedit.protocol,
tables.coedit.updates): what real clients send is read exactly, and any other bytes are
refused with a ProtocolError, never another exception."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pycrdt import Doc, Map, XmlElement, XmlFragment, XmlText

from tables.coedit import protocol
from tables.coedit.content import WRITABLE_ROOTS, seed_update
from tables.coedit.protocol import ProtocolError, decode_state_vector
from tables.coedit.updates import UpdateRefused, check_update, read_update


def _doc_with(text: str) -> Doc:
    doc = Doc()
    doc.apply_update(seed_update(name="proposal:1", blocks=[("paragraph", text)]))
    return doc


def _length(node: XmlText) -> int:
    return sum(len(chunk) for chunk, _attributes in node.diff() if isinstance(chunk, str))


def _edit(doc: Doc, change) -> bytes:
    before = doc.get_state()
    with doc.transaction():
        change(doc.get("default", type=XmlFragment))
    return doc.get_update(before)


@pytest.mark.parametrize("value", [0, 1, 127, 128, 300, 2**32, 2**53 - 1])
def test_varuints_round_trip(value):
    assert protocol.Reader(protocol.write_varuint(value)).varuint() == value


def test_integers_past_javascripts_safe_ones_are_refused():
    with pytest.raises(ProtocolError) as refused:
        protocol.Reader(protocol.write_varuint(2**53)).varuint()
    assert refused.value.code == "malformed"


def test_sync_and_awareness_messages_decode_to_what_was_sent():
    doc = _doc_with("Ciao")
    step1 = protocol.decode_message(protocol.sync_step1(doc.get_state()))
    assert step1 == protocol.SyncMessage(protocol.SYNC_STEP1, doc.get_state())
    update = doc.get_update()
    assert protocol.decode_message(protocol.sync_update(update)).payload == update
    entry = protocol.AwarenessEntry(7, 3, {"cursor": {"anchor": 1}})
    message = protocol.decode_message(protocol.awareness_frame([entry]))
    assert message == protocol.AwarenessMessage((entry,))
    assert protocol.decode_hub_frame(protocol.hub_frame({"type": "ack", "seq": 4})) == {
        "type": "ack",
        "seq": 4,
    }


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_decode_or_raise_a_protocol_error(data):
    try:
        message = protocol.decode_message(data)
    except ProtocolError:
        return
    if isinstance(message, protocol.SyncMessage) and message.carries_update:
        with contextlib.suppress(ProtocolError):
            read_update(message.payload)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        # ASCII: pycrdt's indexes count UTF-8 bytes, and an index inside a character makes
        # it write a broken update (the next test).
        st.tuples(st.integers(0, 3), st.text(alphabet="abcdefghij XYZ.,", min_size=1, max_size=8)),
        max_size=12,
    )
)
def test_real_updates_are_read_whole_and_accepted_by_the_document_they_follow(edits):
    server = _doc_with("Testo iniziale")
    client = Doc()
    client.apply_update(server.get_update())
    for kind, text in edits:

        def change(fragment, kind=kind, text=text):
            paragraph = fragment.children[0]
            node = paragraph.children[0]
            length = _length(node)
            if kind == 0:
                node.insert(length // 2, text)
            elif kind == 1 and length > 2:
                del node[0:2]
            elif kind == 2:
                node.format(0, max(1, length // 2), {"bold": {}})
            else:
                fragment.children.append(XmlElement("paragraph", {}, [XmlText(text)]))

        update = _edit(client, change)
        facts = read_update(update)
        state = decode_state_vector(server.get_state())
        check_update(facts, state=state, writable_roots=WRITABLE_ROOTS)
        server.apply_update(update)
        spans = facts.ranges()
        assert all(
            end <= decode_state_vector(server.get_state())[client_id]
            for client_id, (_start, end) in spans.items()
        )
    assert str(server.get("default", type=XmlFragment)) == str(
        client.get("default", type=XmlFragment)
    )


def test_an_item_that_refers_to_itself_is_refused():
    """pycrdt inserting inside a two-byte character writes an item whose right origin is
    the item itself, which Yrs keeps pending for ever: the server refuses it."""
    server = _doc_with("Testo iniziale")
    client = Doc()
    client.apply_update(server.get_update())
    first = _edit(client, lambda f: f.children[0].children[0].insert(7, "\x800"))
    broken = _edit(client, lambda f: f.children[0].children[0].insert(8, "uid"))
    check_update(
        read_update(first),
        state=decode_state_vector(server.get_state()),
        writable_roots=WRITABLE_ROOTS,
    )
    server.apply_update(first)
    with pytest.raises(UpdateRefused) as refused:
        check_update(
            read_update(broken),
            state=decode_state_vector(server.get_state()),
            writable_roots=WRITABLE_ROOTS,
        )
    assert refused.value.code == "missing_dependencies"


def test_an_update_for_another_document_is_refused():
    server = _doc_with("Il nostro testo")
    other = Doc()
    other["meta"] = Map({"document": "proposal:2"})
    other.get("default", type=XmlFragment).children.append(
        XmlElement("paragraph", {}, [XmlText("Un altro")])
    )
    with pytest.raises(UpdateRefused) as refused:
        check_update(
            read_update(other.get_update()),
            state=decode_state_vector(server.get_state()),
            writable_roots=WRITABLE_ROOTS,
        )
    assert refused.value.code == "wrong_document"


def test_an_update_built_on_state_the_server_has_not_got_asks_for_a_resync():
    server = _doc_with("Testo")
    client = Doc()
    client.apply_update(server.get_update())
    _edit(client, lambda f: f.children[0].children[0].insert(0, "prima "))
    second = _edit(client, lambda f: f.children[0].children[0].insert(0, "poi "))
    with pytest.raises(UpdateRefused) as refused:
        check_update(
            read_update(second),
            state=decode_state_vector(server.get_state()),
            writable_roots=WRITABLE_ROOTS,
        )
    assert refused.value.code == "missing_dependencies"


def test_content_the_editor_never_writes_is_refused():
    server = _doc_with("Testo")
    client = Doc()
    client.apply_update(server.get_update())
    sneaky = _edit(client, lambda f: f.children.append(XmlElement("paragraph", {})))
    facts = read_update(sneaky)
    # Turn the new element into a sub-document's content kind (9) by hand.
    facts.structs[-1].content = 9
    with pytest.raises(UpdateRefused) as refused:
        check_update(
            facts, state=decode_state_vector(server.get_state()), writable_roots=WRITABLE_ROOTS
        )
    assert refused.value.code == "forbidden_content"


@pytest.mark.parametrize(
    "frame,code",
    [
        (b"", "truncated"),
        (b"\x00", "truncated"),
        (b"\x00\x01", "truncated"),
        (b"\x00\x00\x03\x01\x01", "truncated"),
        (b"\x00\x02\x01\x00", "truncated"),
        (b"\x00\x00\x01\x00\x00", "malformed"),
        (b"\x04", "unknown_type"),
        (b"\x03\x00", "malformed"),
        (b"\x01" + protocol.write_varbytes(b"\x01\x01\x01\x02[]"), "malformed"),
        (b"\x01" + protocol.write_varbytes(b"\x01\x01\x01\x01\xff"), "malformed"),
    ],
    ids=[
        "empty",
        "sync-without-step",
        "sync-without-payload",
        "state-vector-cut",
        "update-shorter-than-empty",
        "trailing-byte",
        "unknown-type",
        "query-awareness-with-body",
        "awareness-state-not-an-object",
        "awareness-state-not-utf8",
    ],
)
def test_bad_frames(frame, code):
    with pytest.raises(ProtocolError) as refused:
        protocol.decode_message(frame)
    assert refused.value.code == code


def test_oversize_frames_are_refused_before_reading():
    with pytest.raises(ProtocolError) as refused:
        protocol.decode_message(b"\x00\x02" + b"\x00" * protocol.MAX_FRAME_BYTES)
    assert refused.value.code == "too_large"
