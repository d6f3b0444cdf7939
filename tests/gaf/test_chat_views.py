"""The chat over HTTP: the room's page (history rendered, escaped), sending and acting by POST
without JavaScript or with JSON, the JSON history's cursors, who may use which route, the
unread counts in the GAF navigation, and query counts that do not grow with the history."""

from __future__ import annotations

import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gaf import services
from gaf.models import ChatMessage, RoundProduct
from gaf.selectors import chat as reads
from tests.gaf.factories import make_group, make_member, make_product, make_round, make_supplier
from tests.hub.factories import UserFactory

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def room(setup):
    return reads.group_room(group=setup.group)


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True)


def send(room, user, body="ciao", **kwargs):
    return services.chat_message_send(room=room, user=user, body=body, **kwargs).message


def page_url(setup):
    return reverse("gaf:chat", kwargs={"group_slug": setup.group.slug})


def messages_url(room):
    return reverse("gaf:chat_messages", kwargs={"room_id": room.pk})


def test_the_page_renders_the_history_escaped_with_safe_links(client, setup, room, member):
    _family, user = member
    send(
        room,
        setup.coordinator,
        '<img src=x onerror=alert(1)> vedi https://esempio.it/a?b=1&c=2 "ok" @Famiglia Rossi',
    )
    client.force_login(user)
    html = client.get(page_url(setup)).content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert '<a href="https://esempio.it/a?b=1&amp;c=2" rel="nofollow noopener">' in html
    assert '<span class="gaf-chat-mention">@Famiglia Rossi</span>' in html
    assert 'class="gaf-chat-msg gaf-chat-mentions-me"' in html
    # The socket, the JSON history and the live module are wired in data attributes.
    room.refresh_from_db()
    assert f'data-gaf-chat="/ws/gaf/chat/{room.pk}/?lang=it"' in html
    assert f'data-gaf-chat-last-seq="{room.last_seq}"' in html
    assert '<script type="module" src="/static/hub/gaf-chat.js"></script>' in html
    # The people to @mention are asked for when "@" is typed, not carried by the page.
    people_url = reverse("gaf:chat_members", kwargs={"room_id": room.pk})
    assert f'data-gaf-chat-members-url="{people_url}"' in html
    members = client.get(people_url).json()["members"]
    assert {"id": user.pk, "name": "Famiglia Rossi"} in members
    assert all("@" not in member["name"] for member in members)  # never an e-mail address


def test_viewing_the_page_marks_the_room_read(client, setup, room, member):
    _family, user = member
    send(room, setup.coordinator, "uno")
    send(room, setup.coordinator, "due")
    assert reads.unread_counts(user=user, groups=[setup.group]) == {(setup.group.pk, None): 2}
    client.force_login(user)
    client.get(page_url(setup))
    assert reads.unread_counts(user=user, groups=[setup.group]) == {}


def test_sending_without_javascript(client, setup, room, member):
    _family, user = member
    client.force_login(user)
    client_id = str(uuid.uuid4())
    form = {
        "body": "Porto io le cassette",
        "client_id": client_id,
        "next": page_url(setup) + "#chat",
    }
    response = client.post(messages_url(room), form)
    assert response.status_code == 302 and response["Location"] == page_url(setup) + "#chat"
    # The same form sent twice (a double click, a reload) saves one message.
    client.post(messages_url(room), form)
    assert list(ChatMessage.objects.filter(room=room).values_list("body", flat=True)) == [
        "Porto io le cassette"
    ]
    # An outside `next` is not followed.
    response = client.post(messages_url(room), {"body": "ancora", "next": "https://evil.example/"})
    assert response["Location"] == page_url(setup) + "#chat"


def test_a_refused_message_keeps_the_text_and_says_why(client, setup, room, member):
    client.force_login(member[1])
    response = client.post(messages_url(room), {"body": "x" * 2001})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Il messaggio è troppo lungo" in html
    assert "x" * 2001 in html  # the draft is back in the form
    assert not ChatMessage.objects.filter(room=room).exists()


def test_sending_with_json(client, setup, room, member):
    client.force_login(member[1])
    client_id = str(uuid.uuid4())
    response = client.post(messages_url(room), {"body": "ciao", "client_id": client_id}, **JSON)
    assert response.status_code == 201
    message = response.json()["message"]
    assert message["text"] == "ciao" and message["author"]["name"] == "Famiglia Rossi"
    again = client.post(messages_url(room), {"body": "ciao", "client_id": client_id}, **JSON)
    assert again.status_code == 200 and again.json()["message"]["id"] == message["id"]
    refused = client.post(messages_url(room), {"body": " "}, **JSON)
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "empty"


def test_the_rate_limit_answers_429_with_a_clear_message(client, setup, room, member, settings):
    settings.GAF_CHAT_SEND_RATE = "2/m"
    client.force_login(member[1])
    for _n in range(2):
        client.post(messages_url(room), {"body": "ciao"}, **JSON)
    response = client.post(messages_url(room), {"body": "ciao"}, **JSON)
    assert response.status_code == 429
    assert response.json()["error"]["message"].startswith("Stai scrivendo troppo in fretta")


def test_the_json_history_by_cursors(client, setup, room, member, django_assert_max_num_queries):
    _family, user = member
    for n in range(60):
        send(room, setup.coordinator, f"messaggio {n}")
    client.force_login(user)
    latest = client.get(messages_url(room)).json()
    assert [m["seq"] for m in latest["messages"]] == list(range(11, 61)) and latest["has_more"]
    older = client.get(messages_url(room), {"before": 11}).json()
    assert [m["seq"] for m in older["messages"]] == list(range(1, 11)) and not older["has_more"]
    after = client.get(messages_url(room), {"after": 57}).json()
    assert [e["id"] for e in after["events"]] == [58, 59, 60] and not after["has_more"]
    assert after["last_seq"] == 60
    for params, code in (({"after": 61}, "future"), ({"before": "x"}, "invalid_cursor")):
        response = client.get(messages_url(room), params)
        assert response.status_code == 400 and response.json()["error"]["code"] == code


def _count(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


def test_history_queries_do_not_grow_with_messages(client, setup, room, member, supplier):
    round = make_round(setup, supplier, [make_product(supplier)])
    product = RoundProduct.objects.get(round=round)
    client.force_login(member[1])
    _count(client, page_url(setup))  # the first visit creates the person's read mark
    for n in range(3):
        send(
            room,
            setup.coordinator,
            f"@Famiglia Rossi {n} https://a.it",
            attach={"kind": "product", "id": product.pk},
        )
    counts = {
        "page": _count(client, page_url(setup)),
        "latest": _count(client, messages_url(room)),
        "after": _count(client, messages_url(room), after=0),
    }
    for n in range(40):
        send(room, member[1], f"altro {n}", attach={"kind": "round", "id": round.pk})
        services.chat_message_pin(
            room=room,
            user=setup.coordinator,
            message_id=ChatMessage.objects.latest("seq").pk,
            pinned=n % 5 == 0,
        )
    make_member(setup)
    assert {
        "page": _count(client, page_url(setup)),
        "latest": _count(client, messages_url(room)),
        "after": _count(client, messages_url(room), after=0),
    } == counts


def test_edit_delete_and_pin_by_post(client, setup, room, member):
    _family, user = member
    mine = send(room, user, "prima")
    theirs = send(room, setup.coordinator, "del coordinatore")
    client.force_login(user)
    edit = reverse("gaf:chat_edit", kwargs={"room_id": room.pk, "message_id": mine.pk})
    assert client.get(edit).status_code == 200
    response = client.post(edit, {"body": "dopo"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.body == "dopo"
    # Another's message: no edit page, no deletion, no pin.
    other_edit = reverse("gaf:chat_edit", kwargs={"room_id": room.pk, "message_id": theirs.pk})
    assert client.get(other_edit).status_code == 404
    delete = reverse("gaf:chat_delete", kwargs={"room_id": room.pk, "message_id": theirs.pk})
    response = client.post(delete, **JSON)
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    pin = reverse("gaf:chat_pin", kwargs={"room_id": room.pk, "message_id": theirs.pk})
    assert client.post(pin, {"pinned": "1"}, **JSON).status_code == 403
    # The coordinator removes the member's message and pins their own.
    client.force_login(setup.coordinator)
    client.post(reverse("gaf:chat_delete", kwargs={"room_id": room.pk, "message_id": mine.pk}))
    assert client.post(pin, {"pinned": "1"}).status_code == 302
    client.force_login(user)
    html = client.get(page_url(setup)).content.decode()
    assert "Messaggio rimosso da un coordinatore" in html and "dopo" not in html
    assert "Messaggi fissati" in html


def test_older_messages_by_link_without_javascript(client, setup, room, member):
    for n in range(55):
        send(room, setup.coordinator, f"numero {n}")
    client.force_login(member[1])
    html = client.get(page_url(setup)).content.decode()
    assert "numero 4<" not in html and "numero 54<" in html
    older = re.search(r'href="([^"]+)" data-gaf-chat-older', html).group(1)
    html = client.get(older.replace("&amp;", "&")).content.decode()
    assert "numero 4<" in html and "numero 54<" not in html
    assert "Vai ai messaggi più recenti" in html


def test_mark_read_by_post(client, setup, room, member):
    _family, user = member
    send(room, setup.coordinator, "uno")
    client.force_login(user)
    url = reverse("gaf:chat_read", kwargs={"room_id": room.pk})
    assert client.post(url, {"seq": "1"}).json() == {"last_read_seq": 1}
    assert client.post(url, {"seq": "5"}).status_code == 400


# --- Who may use which route ----------------------------------------------------------------


ROLES = ["member", "coordinator", "non_member", "other_group_member", "anonymous", "staff"]
ALLOWED = {"member", "coordinator", "staff"}


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, setup, room, member, people, staff, role):
    user = staff if role == "staff" else people[role]
    message = send(room, setup.coordinator, "istruzioni")
    if user is not None:
        client.force_login(user)
    routes = {
        "page": ("get", page_url(setup), {}),
        "history": ("get", messages_url(room), {}),
        "people": ("get", reverse("gaf:chat_members", kwargs={"room_id": room.pk}), {}),
        "send": ("post", messages_url(room), {"body": f"da {role}"}),
        "read": ("post", reverse("gaf:chat_read", kwargs={"room_id": room.pk}), {"seq": "1"}),
        "delete": (
            "post",
            reverse("gaf:chat_delete", kwargs={"room_id": room.pk, "message_id": message.pk}),
            {},
        ),
    }
    for name, (method, url, data) in routes.items():
        response = getattr(client, method)(url, data)
        if user is None:
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], name
        elif role in ALLOWED:
            expected = (
                403 if name == "delete" and role == "member" else (302 if method == "post" else 200)
            )
            if name == "read":
                expected = 200
            assert response.status_code in {expected, 302}, (name, response.status_code)
        else:
            assert response.status_code == 404, (name, response.status_code)
    sent = set(
        ChatMessage.objects.filter(room=room).exclude(pk=message.pk).values_list("body", flat=True)
    )
    assert sent == ({f"da {role}"} if role in ALLOWED else set())


def test_the_round_page_shows_its_thread_beside_the_order_with_a_tab(
    client, setup, member, supplier, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        round = make_round(setup, supplier, [make_product(supplier)])
    thread = reads.round_room(round=round)
    client.force_login(member[1])
    url = reverse("gaf:round", kwargs={"group_slug": setup.group.slug, "round_id": round.pk})
    html = client.get(url).content.decode()
    assert 'data-bs-target="#gaf-pane-chat"' in html and 'id="gaf-pane-order"' in html
    assert f'data-gaf-chat="/ws/gaf/chat/{thread.pk}/?lang=it"' in html
    assert "Il giro è aperto" in html  # the system message, server-rendered
    # The tab shows the unread count (the system message), the page does not mark it read.
    assert re.search(r"data-gaf-chat-unread>1<", html)
    assert '<script type="module" src="/static/hub/gaf-chat.js"></script>' in html
    assert html.count('id="hub-socket-close-codes"') == 1
    # The thread's own page, for phones without JavaScript.
    chat = client.get(
        reverse("gaf:round_chat", kwargs={"group_slug": setup.group.slug, "round_id": round.pk})
    )
    assert chat.status_code == 200 and "Chat del giro" in chat.content.decode()


def test_unread_counts_in_the_gaf_navigation(
    client, setup, room, member, supplier, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_round(setup, supplier, [make_product(supplier)], title="Giro delle mele")
    for text in ("uno", "due"):
        send(room, setup.coordinator, text)
    client.force_login(member[1])
    index = client.get(reverse("gaf:index")).content.decode()
    assert "3 non letti" in index  # two in the group's room, one in the round's thread
    group = client.get(
        reverse("gaf:group", kwargs={"group_slug": setup.group.slug})
    ).content.decode()
    assert re.search(r"Chat del gruppo <span[^>]*>2<", group)
    assert "chat: 1 non letto" in group
    other = make_group()
    other_supplier = make_supplier(other)
    make_round(other, other_supplier, [make_product(other_supplier)])
    assert (
        "non lett"
        not in client.get(
            reverse("gaf:group", kwargs={"group_slug": other.group.slug})
        ).content.decode()
    )


def test_a_coordinator_removes_a_family_and_it_loses_the_chat(client, setup, room, member, people):
    from gaf.models import GroupMembership

    family, user = member
    membership = GroupMembership.objects.get(group=setup.group, family=family)
    url = reverse(
        "gaf:coord_member_remove",
        kwargs={"group_slug": setup.group.slug, "membership_id": membership.pk},
    )
    client.force_login(user)
    assert client.post(url).status_code == 404  # not a coordinator
    assert client.get(page_url(setup)).status_code == 200
    client.force_login(setup.coordinator)
    html = client.get(reverse("gaf:coord_group", kwargs={"group_slug": setup.group.slug}))
    assert "Togli Famiglia Rossi dal gruppo" in html.content.decode()
    response = client.post(url)
    assert response.status_code == 302
    assert not GroupMembership.objects.filter(pk=membership.pk).exists()
    client.force_login(user)
    assert client.get(page_url(setup)).status_code == 404
    assert client.post(messages_url(room), {"body": "ci sono?"}).status_code == 404
    # The last coordinator stays, with the reason on the page.
    coordinator = GroupMembership.objects.get(group=setup.group, is_coordinator=True)
    client.force_login(setup.coordinator)
    response = client.post(
        reverse(
            "gaf:coord_member_remove",
            kwargs={"group_slug": setup.group.slug, "membership_id": coordinator.pk},
        )
    )
    assert response.status_code == 400
    assert "almeno una famiglia coordinatrice" in response.content.decode()
