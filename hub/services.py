"""Writes of the core data. The only way state changes, whatever the entry point."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import APIToken

from hub import rules
from hub.models import Child, Family, FamilyMember, Municipality


@transaction.atomic
def family_create(
    *, user, name: str, municipality: Municipality, child_birth_years: list[int]
) -> Family:
    if FamilyMember.objects.filter(user=user).exists():
        raise ValidationError(_("Fai già parte di una famiglia."), code="already_in_family")
    family = Family(name=name.strip(), municipality=municipality)
    family.full_clean()
    family.save()
    FamilyMember.objects.create(family=family, user=user, is_manager=True)
    family_set_children(family=family, child_birth_years=child_birth_years)
    return family


@transaction.atomic
def family_update(
    *, family: Family, name: str, municipality: Municipality, child_birth_years: list[int]
) -> Family:
    family.name = name.strip()
    family.municipality = municipality
    family.full_clean()
    family.save(update_fields=["name", "municipality"])
    family_set_children(family=family, child_birth_years=child_birth_years)
    return family


@transaction.atomic
def family_set_children(*, family: Family, child_birth_years: list[int]) -> None:
    this_year = timezone.localdate().year
    for year in child_birth_years:
        if not 1900 <= year <= this_year + 1:
            raise ValidationError(
                _("Anno di nascita non valido: %(year)s.") % {"year": year}, code="birth_year"
            )
    family.children.all().delete()
    Child.objects.bulk_create(Child(family=family, birth_year=y) for y in sorted(child_birth_years))


def api_token_create(*, user, name: str) -> tuple[APIToken, str]:
    """A new API token (Wagtail's model: only an HMAC digest is stored), for a verified address.

    The plaintext is returned once and never stored or logged.
    """
    if not rules.may_create_api_token(user):
        raise ValidationError(
            _(
                "Per creare un token conferma prima il tuo indirizzo e-mail: apri il link "
                "che ti abbiamo inviato, o chiedine uno nuovo dalla pagina «Indirizzi e-mail»."
            ),
            code="unverified_email",
        )
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Dai un nome al token.")}, code="required")
    return APIToken.create_token(user=user, name=name[:80])


def api_token_revoke(*, user, token_id: int) -> bool:
    updated = APIToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return bool(updated)


@transaction.atomic
def page_add_published(*, parent, page, user=None, skip_permission_checks: bool = False):
    """Add `page` under `parent` and publish it: added as a draft, saved as its first
    revision, the revision published, as a page saved as a draft in Wagtail's admin and then
    published. Returns the revision.

    Validated once, by the publish (Wagtail's full_clean of a live page, with its database
    checks of every foreign key, unique field and constraint), instead of at each of the
    three saves: adding a live page validates it, so does its revision, so does the publish.
    A draft is added with the title and slug checked; the revision is of that same page. So
    a value the database itself refuses (a title over its length, on PostgreSQL) fails at the
    add, with the database's error rather than a ValidationError: callers pass values their
    own models or forms have checked. Either way, nothing of the page remains.
    """
    page.live = False
    parent.add_child(instance=page)
    revision = page.save_revision(user=user, clean=False)
    revision.publish(user=user, skip_permission_checks=skip_permission_checks)
    # The publish saved another instance (the revision's): `page` takes what it wrote.
    page.refresh_from_db(fields=PUBLISHED_FIELDS)
    return revision


# What publishing a page's revision writes on the page (Wagtail's PublishRevisionAction).
PUBLISHED_FIELDS = [
    "live",
    "has_unpublished_changes",
    "expired",
    "first_published_at",
    "last_published_at",
    "live_revision",
    "latest_revision",
    "latest_revision_created_at",
    "draft_title",
]
