"""Association admins invite and remove their editors and manage the association's API tokens."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone

from associations import services
from associations.models import AssociationApiToken, AssociationMembership, Invitation
from tests.associations.factories import approver, make_association
from tests.hub.factories import UserFactory

pytestmark = pytest.mark.django_db

ADMIN = AssociationMembership.Role.ADMIN
EDITOR = AssociationMembership.Role.EDITOR


def member(association, role=EDITOR, email=None):
    user = UserFactory(email=email) if email else UserFactory()
    _invitation, token = services.invitation_create(
        association=association, email=user.email, role=role, by=approver()
    )
    services.invitation_accept(token=token, user=user)
    return user


def invite(association, email, role=EDITOR) -> str:
    _invitation, token = services.invitation_create(
        association=association, email=email, role=role, by=approver()
    )
    return reverse("associations:invitation_accept", args=[token])


@pytest.fixture
def association():
    return make_association(name="Coro Voci Bianche")


@pytest.fixture
def admin(association):
    return member(association, ADMIN, email="presidente@coro.example.org")


def editors_url(association):
    return reverse("associations:editors", args=[association.slug])


# --- Inviting and accepting -----------------------------------------------------------------


def test_an_admin_invites_and_the_invited_person_accepts(
    client, association, admin, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    page = client.get(editors_url(association))
    assert page.status_code == 200
    assert "presidente@coro.example.org" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            editors_url(association), {"email": "Maestra@Coro.example.org", "role": EDITOR}
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(association=association, email="maestra@coro.example.org")
    assert invitation.role == EDITOR
    (message,) = [m for m in mailoutbox if m.to == ["maestra@coro.example.org"]]
    assert "Coro Voci Bianche" in message.subject
    accept_path = re.search(r"http://testserver(/associazioni/invito/[\w-]+/)", message.body)[1]
    assert "maestra@coro.example.org" in client.get(editors_url(association)).content.decode()

    client.logout()
    # Before asking to sign in, the page says what the invitation is and what comes next.
    anonymous = client.get(accept_path)
    assert anonymous.status_code == 200
    html = anonymous.content.decode()
    assert "Coro Voci Bianche" in html
    assert "Cosa succede adesso" in html
    assert "ma…@coro.example.org" in html
    assert "maestra@coro.example.org" not in html
    assert f"/accounts/login/?next={quote(accept_path, safe='')}" in html
    assert f"/accounts/signup/?next={quote(accept_path, safe='')}" in html
    assert "Accetta l&#x27;invito" not in html
    refused = client.post(accept_path)
    assert refused.status_code == 302
    assert refused["Location"].startswith("/accounts/login/")
    assert not Invitation.objects.get(pk=invitation.pk).accepted_at

    invited = UserFactory(email="maestra@coro.example.org")
    client.force_login(invited)
    shown = client.get(accept_path)
    assert shown.status_code == 200
    assert "Coro Voci Bianche" in shown.content.decode()
    assert not AssociationMembership.objects.filter(user=invited).exists()

    accepted = client.post(accept_path)
    assert accepted.status_code == 302
    # They land in the editor of their association's page, not on an empty page listing.
    edit_url = reverse("wagtailadmin_pages:edit", args=[association.page.pk])
    assert accepted["Location"] == edit_url
    membership = AssociationMembership.objects.get(association=association, user=invited)
    assert membership.role == EDITOR
    assert invited.groups.filter(pk=association.group_id).exists()
    editor = client.get(edit_url)
    assert editor.status_code == 200
    assert "Benvenuto nella redazione" in editor.content.decode()

    again = client.post(accept_path)
    assert again.status_code == 400
    assert "già stato usato" in again.content.decode()


def test_accepting_with_another_account_is_forbidden(client, association):
    accept_path = invite(association, "giusto@example.org")
    intruder = UserFactory(email="altro@example.org")
    client.force_login(intruder)
    for response in (client.get(accept_path), client.post(accept_path)):
        assert response.status_code == 403
        assert "Questo invito è per giusto@example.org" in response.content.decode()
    assert not AssociationMembership.objects.filter(user=intruder).exists()
    assert not intruder.groups.exists()


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("expired", "L&#x27;invito è scaduto"),
        ("revoked", "Invito non valido o revocato."),
        ("unknown", "Invito non valido o revocato."),
    ],
)
def test_expired_revoked_or_unknown_invitations_are_refused(client, association, state, message):
    accept_path = invite(association, "ritardo@example.org")
    invitation = Invitation.objects.get(email="ritardo@example.org")
    if state == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
    elif state == "revoked":
        invite(association, "ritardo@example.org")  # a new invitation replaces it
    else:
        accept_path = reverse("associations:invitation_accept", args=["gettone-inventato"])
    user = UserFactory(email="ritardo@example.org")
    client.force_login(user)
    for response in (client.get(accept_path), client.post(accept_path)):
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not AssociationMembership.objects.filter(user=user).exists()


def test_invalid_invitations_get_field_messages(client, association, admin):
    already = member(association, EDITOR, email="gia@example.org")
    client.force_login(admin)
    response = client.post(editors_url(association), {"email": "non-una-email", "role": EDITOR})
    assert response.status_code == 400
    assert "Inserisci un indirizzo email valido." in response.content.decode()

    response = client.post(editors_url(association), {"email": "x@example.org", "role": "capo"})
    assert response.status_code == 400

    response = client.post(editors_url(association), {"email": already.email, "role": ADMIN})
    assert response.status_code == 400
    assert "già redattrice" in response.content.decode()
    assert not Invitation.objects.filter(email__in=["x@example.org", already.email]).filter(
        accepted_at__isnull=True
    )


# --- Who may manage the team ----------------------------------------------------------------


@pytest.mark.parametrize("who", ["editor", "other_admin", "outsider"])
def test_only_the_associations_admins_manage_its_editors(client, association, admin, who):
    editor = member(association, EDITOR)
    if who == "editor":
        user = editor
    elif who == "other_admin":
        user = member(make_association(name="Altra associazione"), ADMIN)
    else:
        user = UserFactory()
    client.force_login(user)

    assert client.get(editors_url(association)).status_code == 403
    response = client.post(editors_url(association), {"email": "spia@example.org", "role": ADMIN})
    assert response.status_code == 403
    remove_url = reverse("associations:editor_remove", args=[association.slug, admin.pk])
    assert client.post(remove_url).status_code == 403
    assert (
        client.post(
            reverse("associations:token_create", args=[association.slug]), {"name": "mio"}
        ).status_code
        == 403
    )

    assert not Invitation.objects.filter(email="spia@example.org").exists()
    assert AssociationMembership.objects.filter(association=association, user=admin).exists()
    assert not AssociationApiToken.objects.exists()


def test_unknown_association_is_404_and_visitors_go_to_login(client, admin, association):
    client.force_login(admin)
    assert client.get(reverse("associations:editors", args=["non-esiste"])).status_code == 404
    assert (
        client.post(
            reverse("associations:editor_remove", args=["non-esiste", admin.pk])
        ).status_code
        == 404
    )
    client.logout()
    response = client.get(editors_url(association))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_editors_page_queries_do_not_grow_with_the_team(
    client, association, admin, django_assert_max_num_queries
):
    client.force_login(admin)
    client.get(editors_url(association))
    with django_assert_max_num_queries(30) as first:
        assert client.get(editors_url(association)).status_code == 200
    queries_with_one = len(first.captured_queries)
    for _number in range(6):
        member(association, EDITOR)
        invite(association, UserFactory.build().email)
    with django_assert_max_num_queries(queries_with_one):
        assert client.get(editors_url(association)).status_code == 200


# --- Removing ---------------------------------------------------------------------------------


def test_a_removed_editor_loses_admin_access_at_once(client, association, admin):
    editor = member(association, EDITOR)
    edit_url = reverse("wagtailadmin_pages:edit", args=[association.page.pk])
    editor_client = client.__class__()
    editor_client.force_login(editor)
    assert editor_client.get(edit_url).status_code == 200

    client.force_login(admin)
    remove_url = reverse("associations:editor_remove", args=[association.slug, editor.pk])
    assert client.get(remove_url).status_code == 405
    response = client.post(remove_url, follow=True)
    assert "non fa più parte della redazione" in response.content.decode()
    assert not AssociationMembership.objects.filter(user=editor).exists()

    # Signed in, but no admin access any more: the hub's 403, not a redirect to sign in again.
    response = editor_client.get(edit_url)
    assert response.status_code == 403
    assert (
        editor_client.get(reverse("wagtailadmin_explore", args=[association.page.pk])).status_code
        == 403
    )
    assert editor_client.get(editors_url(association)).status_code == 403


def test_the_last_admin_cannot_be_removed(client, association, admin):
    client.force_login(admin)
    remove_url = reverse("associations:editor_remove", args=[association.slug, admin.pk])
    response = client.post(remove_url, follow=True)
    assert "almeno un amministratore" in response.content.decode()
    assert AssociationMembership.objects.filter(association=association, user=admin).exists()

    second = member(association, ADMIN)
    response = client.post(remove_url)
    assert response.status_code == 302
    assert response["Location"] == reverse("profile")  # they removed themselves
    assert not AssociationMembership.objects.filter(user=admin).exists()
    assert AssociationMembership.objects.filter(user=second, role=ADMIN).exists()


def test_removing_someone_who_is_not_an_editor_is_a_message(client, association, admin):
    client.force_login(admin)
    stranger = UserFactory()
    response = client.post(
        reverse("associations:editor_remove", args=[association.slug, stranger.pk]), follow=True
    )
    assert "non è redattrice" in response.content.decode()
    missing = client.post(reverse("associations:editor_remove", args=[association.slug, 999999]))
    assert missing.status_code == 404


# --- API tokens -------------------------------------------------------------------------------


def test_admins_create_and_revoke_tokens_shown_once(client, association, admin):
    client.force_login(admin)
    create_url = reverse("associations:token_create", args=[association.slug])
    assert client.get(create_url).status_code == 405

    response = client.post(create_url, {"name": "Gestionale della segreteria"})
    assert response.status_code == 302
    token = AssociationApiToken.objects.get(association=association)
    assert token.created_by == admin

    first = client.get(editors_url(association)).content.decode()
    plaintext = re.search(r'id="new-token"[^>]*value="([^"]+)"', first)[1]
    assert plaintext.startswith(token.prefix)
    assert "Gestionale della segreteria" in first
    assert plaintext not in client.get(editors_url(association)).content.decode()

    response = client.post(create_url, {"name": "  "})
    assert response.status_code == 400
    assert AssociationApiToken.objects.count() == 1

    revoke_url = reverse("associations:token_revoke", args=[association.slug, token.pk])
    assert client.get(revoke_url).status_code == 405
    response = client.post(revoke_url, follow=True)
    assert "Token revocato." in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    response = client.post(revoke_url, follow=True)
    assert "Token non trovato." in response.content.decode()


def test_tokens_of_one_association_cannot_be_revoked_through_another(client, association, admin):
    other = make_association(name="Banda del paese")
    other_admin = member(other, ADMIN)
    token, _plaintext = services.association_token_create(
        association=other, name="Banda", by=other_admin
    )
    client.force_login(admin)
    response = client.post(
        reverse("associations:token_revoke", args=[association.slug, token.pk]), follow=True
    )
    assert "Token non trovato." in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    assert (
        client.post(reverse("associations:token_revoke", args=[other.slug, token.pk])).status_code
        == 403
    )


def test_editors_and_superusers_without_membership_cannot_manage_tokens(client, association, admin):
    editor = member(association, EDITOR)
    token, _plaintext = services.association_token_create(
        association=association, name="Sito", by=admin
    )
    for user in (editor, approver()):
        client.force_login(user)
        assert (
            client.post(
                reverse("associations:token_create", args=[association.slug]), {"name": "x"}
            ).status_code
            == 403
        )
        assert (
            client.post(
                reverse("associations:token_revoke", args=[association.slug, token.pk])
            ).status_code
            == 403
        )
    token.refresh_from_db()
    assert token.revoked_at is None
    assert AssociationApiToken.objects.count() == 1


def test_admins_find_the_team_page_from_their_page_in_the_admin(client, association, admin):
    editor = member(association, EDITOR)
    edit_url = reverse("wagtailadmin_pages:edit", args=[association.page.pk])
    client.force_login(admin)
    assert editors_url(association) in client.get(edit_url).content.decode()
    client.force_login(editor)
    assert editors_url(association) not in client.get(edit_url).content.decode()
