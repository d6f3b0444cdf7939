"""Reads of the core data, each with a fixed number of queries."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, prefetch_related_objects
from django.utils import timezone
from wagtail.models import APIToken

from hub.families import is_beneficiary
from hub.models import Family, FamilyMember, Municipality, Network


def networks_with_municipalities() -> QuerySet[Network]:
    return Network.objects.prefetch_related(
        Prefetch("municipalities", queryset=Municipality.objects.order_by("name"))
    ).order_by("name")


def family_of(user, *, related: tuple[str, ...] = ()) -> Family | None:
    """The signed-in person's family (one query, plus one per `related` prefetch), or None.

    The one family_of of the hub. The membership found is also set on the user, so that
    rules asking for the person's family (gaf.rules.family_id_of) do not query it again.
    """
    if not user.is_authenticated:
        return None
    membership = (
        FamilyMember.objects.select_related("family", "family__municipality")
        .filter(user=user)
        .first()
    )
    if membership is None:
        return None
    user.family_membership = membership
    family = membership.family
    if related:
        prefetch_related_objects([family], *related)
    return family


def family_is_beneficiary(family: Family, *, year: int | None = None) -> bool:
    year = year or timezone.localdate().year
    resident = Network.objects.filter(municipalities=family.municipality_id).exists()
    return is_beneficiary(
        child_birth_years=[child.birth_year for child in family.children.all()],
        resident_in_member_municipality=resident,
        year=year,
    )


def beneficiary_families(*, year: int | None = None) -> QuerySet[Family]:
    """Families that satisfy the rule, in one query (same rule as hub.families)."""
    year = year or timezone.localdate().year
    from hub.families import ADULT_AGE
    from hub.models import Child

    minor = Child.objects.filter(
        family=OuterRef("pk"), birth_year__gte=year - ADULT_AGE, birth_year__lte=year
    )
    member = Network.objects.filter(municipalities=OuterRef("municipality_id"))
    return Family.objects.filter(Exists(minor), Exists(member))


def active_tokens_of(user) -> QuerySet[APIToken]:
    return APIToken.objects.filter(user=user, revoked_at__isnull=True)
