"""Who manages an association's import sources, and the services the admin screens call."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from associations.models import Association
from events.importer.fetching import normalize_url
from events.models import IcsImportSource
from events.rules import may_manage_sources
from hub.models import Municipality


def sources_for(user) -> QuerySet[IcsImportSource]:
    """The import sources the user may see and manage: all for staff, else their
    associations'."""
    sources = IcsImportSource.objects.select_related("association", "municipality")
    if user.is_staff or user.is_superuser:
        return sources
    return sources.filter(association__memberships__user=user)


def associations_for(user) -> QuerySet[Association]:
    if user.is_staff or user.is_superuser:
        return Association.objects.all()
    return Association.objects.filter(memberships__user=user)


def _validated(association: Association, url: str, municipality: Municipality) -> str:
    url = normalize_url(url)
    errors = {}
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        errors["url"] = _("Indica un indirizzo che inizia con https://, http:// o webcal://.")
    if not association.municipalities.filter(pk=municipality.pk).exists():
        errors["municipality"] = _("Scegli uno dei comuni in cui opera l'associazione.")
    if errors:
        raise ValidationError(errors)
    return url


@transaction.atomic
def ics_source_create(
    *, association: Association, url: str, municipality: Municipality, active: bool = True, by
) -> IcsImportSource:
    if not may_manage_sources(by, association):
        raise PermissionDenied
    url = _validated(association, url, municipality)
    if IcsImportSource.objects.filter(association=association, url=url).exists():
        raise ValidationError({"url": _("Questo calendario è già importato.")})
    return IcsImportSource.objects.create(
        association=association, url=url, municipality=municipality, active=active
    )


@transaction.atomic
def ics_source_update(
    *, source: IcsImportSource, url: str, municipality: Municipality, active: bool, by
) -> IcsImportSource:
    source = IcsImportSource.objects.select_for_update().get(pk=source.pk)
    if not may_manage_sources(by, source.association):
        raise PermissionDenied
    url = _validated(source.association, url, municipality)
    if (
        IcsImportSource.objects.filter(association=source.association, url=url)
        .exclude(pk=source.pk)
        .exists()
    ):
        raise ValidationError({"url": _("Questo calendario è già importato.")})
    update_fields = ["url", "municipality", "active"]
    if url != source.url:
        # Another calendar: its validators say nothing about the new one.
        source.http_etag = source.http_last_modified = ""
        update_fields += ["http_etag", "http_last_modified"]
    source.url, source.municipality, source.active = url, municipality, active
    source.save(update_fields=update_fields)
    return source


@transaction.atomic
def ics_source_delete(*, source: IcsImportSource, by) -> None:
    """Stop importing; the events already imported stay (they are the association's)."""
    if not may_manage_sources(by, source.association):
        raise PermissionDenied
    source.delete()
