"""Factories for associations: approved associations with their page, and their initiatives.

`make_association` goes through the real services (join request, then approval), so the
association gets its page, Wagtail group, collection and review workflow exactly as in
production. `make_initiative` adds a published (or draft) InitiativePage under its page.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from itertools import count

from django.contrib.contenttypes.models import ContentType
from django.db.models import F
from django.utils.text import slugify
from wagtail.models import Page

from associations import services
from associations.models import Association, AssociationPage, InitiativePage
from hub.models import AgeBand, Area, Municipality, Network, User
from tests.hub.factories import MunicipalityFactory, NetworkFactory, UserFactory

APPROVER_EMAIL = "approvatore@example.org"
_counter = count(1)


def approver() -> User:
    """A superuser who approves join requests in tests (created once per database)."""
    user, created = User.objects.get_or_create(
        email=APPROVER_EMAIL, defaults={"is_staff": True, "is_superuser": True}
    )
    if created:
        user.set_password("password-sicura-123")
        user.save(update_fields=["password"])
    return user


def _as_objects(model, values: Iterable) -> list:
    """Accept model instances or slugs."""
    values = list(values)
    slugs = [value for value in values if isinstance(value, str)]
    by_slug = {obj.slug: obj for obj in model.objects.filter(slug__in=slugs)} if slugs else {}
    missing = sorted(set(slugs) - set(by_slug))
    if missing:
        raise model.DoesNotExist(f"{model.__name__} not found: {', '.join(missing)}")
    return [by_slug[value] if isinstance(value, str) else value for value in values]


def make_association(
    *,
    name: str | None = None,
    network: Network | None = None,
    municipalities: Iterable[Municipality | str] = (),
    areas: Iterable[Area | str] = (),
    kind: str = Association.Kind.ASSOCIATION,
    trusted: bool = False,
    editor_email: str | None = None,
    by: User | None = None,
) -> Association:
    """An approved association with its published page.

    Missing pieces are made up: a network, one municipality of it, the first area. Given
    municipalities are added to the network if they are not in it yet. Areas and
    municipalities may be passed as instances or slugs.
    """
    name = name or f"Associazione {next(_counter)}"
    network = network or NetworkFactory()
    municipalities = _as_objects(Municipality, municipalities)
    if not municipalities:
        municipalities = list(network.municipalities.all()[:1]) or [MunicipalityFactory()]
    network.municipalities.add(*municipalities)
    areas = _as_objects(Area, areas) or [Area.objects.order_by("sort_order").first()]
    slug_hint = slugify(name)[:40] or "associazione"
    request = services.join_request_submit(
        data=services.JoinRequestData(
            name=name,
            kind=kind,
            network=network,
            municipalities=municipalities,
            areas=areas,
            description=f"{name}: attività per bambini, ragazzi e famiglie.",
            contact_name=f"Segreteria {name}",
            contact_email=f"info+{slug_hint}@example.org",
            editor_email=editor_email or f"redazione+{slug_hint}@example.org",
        )
    )
    association = services.join_request_approve(join_request=request, by=by or approver())
    if trusted:
        services.association_set_trusted(association=association, trusted=True)
    return association


def make_initiative(
    association: Association,
    *,
    title: str,
    area: Area | str,
    municipalities: Iterable[Municipality | str],
    age_bands: Iterable[AgeBand | str] = (),
    is_free: bool = True,
    cost: Decimal | str | None = None,
    live: bool = True,
    **fields,
) -> InitiativePage:
    """An InitiativePage under the association's page; published unless `live=False`.

    Extra keyword arguments are InitiativePage fields (frequency, period_start, place, ...).
    """
    (area,) = _as_objects(Area, [area])
    parent = association.page
    page = InitiativePage(
        title=title,
        area=area,
        summary=fields.pop("summary", f"{title}: in breve."),
        is_free=is_free,
        cost=None if is_free else (Decimal(cost) if cost is not None else None),
        live=live,
        **fields,
    )
    if not is_free and cost is None and not page.cost_note:
        page.cost_note = "Quota da definire"
    # Parental many-to-many relations are kept in memory and written when the page is saved.
    page.municipalities.set(_as_objects(Municipality, municipalities))
    page.age_bands.set(_as_objects(AgeBand, age_bands))
    parent.add_child(instance=page)
    revision = page.save_revision(user=approver())
    if live:
        revision.publish(user=approver())
    return page


def _add_live_children(parent: Page, pages: list[Page]) -> list[Page]:
    """Append live pages under `parent` in a handful of queries per page instead of dozens.

    Test data only: it writes the tree rows as treebeard's add_child would (path, depth,
    url_path, the parent's numchild) but skips revisions, logs and search indexing.
    """
    content_type = ContentType.objects.get_for_model(type(pages[0]))
    first = parent.numchild + 1
    base_rows = Page.objects.bulk_create(
        Page(
            title=page.title,
            draft_title=page.title,
            slug=page.slug,
            content_type=content_type,
            locale_id=parent.locale_id,
            path=Page._get_path(parent.path, parent.depth + 1, first + offset),
            depth=parent.depth + 1,
            numchild=0,
            url_path=f"{parent.url_path}{page.slug}/",
            live=True,
            has_unpublished_changes=False,
        )
        for offset, page in enumerate(pages)
    )
    for page, base in zip(pages, base_rows, strict=True):
        page.__dict__.update({k: v for k, v in base.__dict__.items() if k != "_state"})
        page.page_ptr_id = base.pk
        # Only the specific table: the base row is already written.
        page.save_base(raw=True, force_insert=True)
        page._state.adding = False
    Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(pages))
    parent.numchild += len(pages)
    return pages


def make_associations_quickly(
    number: int,
    *,
    network: Network,
    municipalities: Iterable[Municipality],
    areas: Iterable[Area],
    kind: str = Association.Kind.ASSOCIATION,
    prefix: str = "Gruppo",
) -> list[Association]:
    """Many associations with live pages, for query-count tests (no join request, group,
    collection or revision: only the rows the public lists read)."""
    municipalities, areas = list(municipalities), list(areas)
    start = Association.objects.count()
    associations = Association.objects.bulk_create(
        Association(
            name=f"{prefix} {start + i:04d}",
            slug=f"{slugify(prefix)}-{start + i:04d}",
            kind=kind,
            network=network,
            description="Attività per le famiglie.",
        )
        for i in range(number)
    )
    Association.municipalities.through.objects.bulk_create(
        Association.municipalities.through(association=a, municipality=m)
        for a in associations
        for m in municipalities
    )
    Association.areas.through.objects.bulk_create(
        Association.areas.through(association=a, area=area) for a in associations for area in areas
    )
    _add_live_children(
        services.association_index_for(network),
        [AssociationPage(title=a.name, slug=a.slug, association=a) for a in associations],
    )
    return associations


def make_initiatives_quickly(
    association: Association,
    number: int,
    *,
    areas: Iterable[Area],
    municipalities: Iterable[Municipality],
    age_bands: Iterable[AgeBand] = (),
    prefix: str = "Iniziativa",
) -> list[InitiativePage]:
    """Many live initiatives under an association's page, for query-count tests (no
    revisions): they cycle through `areas` and are in every one of `municipalities`."""
    areas, municipalities, age_bands = list(areas), list(municipalities), list(age_bands)
    parent = association.page
    start = parent.numchild
    pages = _add_live_children(
        parent,
        [
            InitiativePage(
                title=f"{prefix} {start + i:04d}",
                slug=f"{slugify(prefix)}-{start + i:04d}",
                area=areas[i % len(areas)],
                summary="Per bambini e famiglie.",
            )
            for i in range(number)
        ],
    )
    InitiativePage.municipalities.through.objects.bulk_create(
        InitiativePage.municipalities.through(initiativepage_id=page.pk, municipality=m)
        for page in pages
        for m in municipalities
    )
    InitiativePage.age_bands.through.objects.bulk_create(
        InitiativePage.age_bands.through(initiativepage_id=page.pk, ageband=band)
        for page in pages
        for band in age_bands
    )
    return pages


__all__ = [
    "UserFactory",
    "approver",
    "make_association",
    "make_associations_quickly",
    "make_initiative",
    "make_initiatives_quickly",
]
