"""Demo data drawn from the two source documents (shared/domain), loaded by `seed_demo`.

Two real networks: the CIdiS consortium (six municipalities south-west of Turin) and the
Lombard Rete dei Comuni amici della famiglia (seven municipalities). Families and
associations are invented but plausible. Loading is idempotent: every row is looked up by a
natural key and created only when missing, so running it twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import get_hasher, make_password
from django.db import connection, transaction
from django.db.models.signals import post_save
from wagtail.models import ReferenceIndex, Site

from hub.models import Child, Family, FamilyMember, Municipality, Network, User
from hub.roles import staff_group

DEMO_ADMIN_EMAIL = "admin@example.org"
DEMO_PASSWORD = "famiglie-in-rete-2026"  # noqa: S105 - demo accounts only, printed on purpose

# (name, slug, ISTAT code, province)
CIDIS_MUNICIPALITIES = [
    ("Beinasco", "beinasco", "001024", "TO"),
    ("Bruino", "bruino", "001038", "TO"),
    ("Orbassano", "orbassano", "001171", "TO"),
    ("Piossasco", "piossasco", "001191", "TO"),
    ("Rivalta di Torino", "rivalta-di-torino", "001214", "TO"),
    ("Volvera", "volvera", "001314", "TO"),
]
LOMBARD_MUNICIPALITIES = [
    ("Milano", "milano", "015146", "MI"),
    ("Sesto San Giovanni", "sesto-san-giovanni", "015209", "MI"),
    ("Cinisello Balsamo", "cinisello-balsamo", "015077", "MI"),
    ("Lissone", "lissone", "108028", "MB"),
    ("Cesano Maderno", "cesano-maderno", "108019", "MB"),
    ("Carate Brianza", "carate-brianza", "108015", "MB"),
    ("Muggiò", "muggio", "108034", "MB"),
]

NETWORKS = [
    {
        "slug": "cidis",
        "name": "C.i.di.s. — Consorzio intercomunale di Servizi",
        "short_name": "CIdiS",
        "kind": Network.Kind.CONSORTIUM,
        "certified_family_in_italia": True,
        "description": (
            "I sei Comuni consorziati (Beinasco, Bruino, Orbassano, Piossasco, Rivalta di "
            "Torino, Volvera) e il CIdiS, certificati «Comune amico della famiglia» (marchio "
            "Family in Italia) nel febbraio 2022, con il Tavolo Intercomunale delle Politiche "
            "Family e benessere della comunità e il Piano Family 2022/23."
        ),
        "municipalities": CIDIS_MUNICIPALITIES,
    },
    {
        "slug": "rete-lombarda",
        "name": "Rete dei Comuni amici della Famiglia (Lombardia)",
        "short_name": "Rete lombarda",
        "kind": Network.Kind.NETWORK,
        "certified_family_in_italia": False,
        "description": (
            "Milano, Sesto San Giovanni, Cinisello Balsamo, Lissone, Cesano Maderno, Carate "
            "Brianza e Muggiò: un sistema permanente di incontro tra Comuni e associazionismo "
            "familiare, con il Tavolo intercomunale, i Tavoli comunali delle famiglie in rete e i "
            "Gruppi di Acquisto Familiare che alimentano il Fondo Solidale."
        ),
        "municipalities": LOMBARD_MUNICIPALITIES,
    },
]

# (email, full name, family name, municipality slug, child birth years)
FAMILIES = [
    ("famiglia.rossi@example.org", "Giulia Rossi", "Famiglia Rossi", "bruino", [2016, 2020]),
    ("famiglia.ferrero@example.org", "Marco Ferrero", "Famiglia Ferrero", "orbassano", [2024]),
    (
        "famiglia.gallo@example.org",
        "Elena Gallo",
        "Famiglia Gallo",
        "piossasco",
        [2012, 2014, 2019],
    ),
    (
        "famiglia.colombo@example.org",
        "Luca Colombo",
        "Famiglia Colombo",
        "sesto-san-giovanni",
        [2018],
    ),
    (
        "famiglia.brambilla@example.org",
        "Sara Brambilla",
        "Famiglia Brambilla",
        "lissone",
        [2013, 2021],
    ),
    ("famiglia.ricci@example.org", "Paolo Ricci", "Famiglia Ricci", "muggio", [2006]),
]


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    role: str
    is_staff: bool = False
    is_superuser: bool = False


DEMO_ACCOUNTS = [
    DemoAccount(
        "admin@example.org",
        "Amministratrice della rete",
        "amministratore (superuser)",
        is_staff=True,
        is_superuser=True,
    ),
    DemoAccount(
        "staff@example.org", "Chiara Staff CIdiS", "staff della rete (admin Wagtail)", is_staff=True
    ),
    DemoAccount("volontario@example.org", "Davide Volontario", "volontario di associazione"),
    DemoAccount("referente.gaf@example.org", "Anna Referente", "referente GAF"),
    DemoAccount(
        "tavolo@example.org",
        "Roberto Tavolo",
        "coordinatore del tavolo intercomunale CIdiS, componente del tavolo di Lissone",
    ),
]


def _user(
    email: str, full_name: str, password: Callable[[], str], *, is_staff=False, is_superuser=False
) -> tuple[User, bool]:
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "full_name": full_name,
            "is_staff": is_staff,
            "is_superuser": is_superuser,
            "password": password,
        },
    )
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user, created


# DEMO_PASSWORD hashed ahead of time by Django's default hasher (PBKDF2-SHA256 at Django
# 5.2's 1,000,000 iterations, a quarter of a second of every `seed_demo` if hashed there).
# One hash, one salt, for every demo account: the password is published, a salt per account
# would hide nothing. tests/hub/test_demo.py checks that it is the password's and current.
DEMO_PASSWORD_HASH = (
    "pbkdf2_sha256$1000000$Hdrv5PkcOZ6pM6C2LElGnM$PZ0PHb+tGjU8ZSc31BsoGhAkXOBaLUKK/GFNCiT0txY="  # noqa: S105
)


def demo_password_hash() -> str:
    """The demo accounts' password hash: DEMO_PASSWORD_HASH where the configured preferred
    hasher made it and would keep it as it is (Django's default settings); else the password
    hashed now by that hasher (the caller hashes once per load: the tests' fast hasher, or
    a default changed since the hash was made)."""
    hasher = get_hasher()
    if DEMO_PASSWORD_HASH.startswith(f"{hasher.algorithm}$") and not hasher.must_update(
        DEMO_PASSWORD_HASH
    ):
        return DEMO_PASSWORD_HASH
    return make_password(DEMO_PASSWORD)


@transaction.atomic
def load_demo_data() -> dict[str, int]:
    """Create what is missing; return how many rows of each kind were created."""
    created = {"networks": 0, "municipalities": 0, "families": 0, "users": 0}
    password = cache(demo_password_hash)
    created["site address"] = _align_site_with_base_url()

    municipalities: dict[str, Municipality] = {}
    for spec in NETWORKS:
        network, was_created = Network.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                key: spec[key]
                for key in (
                    "name",
                    "short_name",
                    "kind",
                    "certified_family_in_italia",
                    "description",
                )
            },
        )
        created["networks"] += was_created
        for name, slug, istat, province in spec["municipalities"]:
            municipality, was_created = Municipality.objects.get_or_create(
                istat_code=istat, defaults={"name": name, "slug": slug, "province": province}
            )
            created["municipalities"] += was_created
            municipalities[slug] = municipality
        network.municipalities.add(*(municipalities[m[1]] for m in spec["municipalities"]))

    for email, full_name, family_name, municipality_slug, birth_years in FAMILIES:
        user, was_created = _user(email, full_name, password)
        created["users"] += was_created
        if not FamilyMember.objects.filter(user=user).exists():
            family = Family.objects.create(
                name=family_name, municipality=municipalities[municipality_slug]
            )
            FamilyMember.objects.create(family=family, user=user, is_manager=True)
            Child.objects.bulk_create(Child(family=family, birth_year=y) for y in birth_years)
            created["families"] += 1

    staff = staff_group()
    for account in DEMO_ACCOUNTS:
        user, was_created = _user(
            account.email,
            account.full_name,
            password,
            is_staff=account.is_staff,
            is_superuser=account.is_superuser,
        )
        created["users"] += was_created
        if account.is_staff:
            user.groups.add(staff)
    return created


def _align_site_with_base_url() -> int:
    """The default Wagtail Site at HUB_BASE_URL's host and port (what `make run` serves), so
    that the admin's "view live" and Wagtail's own links agree with the hub's. 1 if changed."""
    address = urlsplit(settings.HUB_BASE_URL)
    port = address.port or (443 if address.scheme == "https" else 80)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None or (site.hostname, site.port) == (address.hostname, port):
        return 0
    site.hostname, site.port = address.hostname, port
    site.save(update_fields=["hostname", "port"])
    return 1


@contextmanager
def queries_unrecorded() -> Iterator[None]:
    """The default connection's queries not recorded in the block, DEBUG or not.

    With DEBUG on (the embedded default, and what `seed_demo` asks for) Django keeps every
    query in `connection.queries`, each with its parameters quoted by one more query to
    SQLite: for the demo's eight thousand queries, six thousand more, for a log that a
    loading command never reads. Plain cursors instead of the debug ones, for this
    connection and this block only.
    """
    connection.make_debug_cursor = connection.make_cursor  # shadows the method
    try:
        yield
    finally:
        del connection.make_debug_cursor


@contextmanager
def index_updates_once() -> Iterator[None]:
    """Wagtail's search index and reference index updated once per object saved in the
    block, when it ends, instead of after every save.

    Creating and publishing a page saves it three times (add_child, save_revision,
    publish) and each save updates both indexes; the demo's pages were indexed three
    times over. Wagtail's own handlers do the updates (with the object as it is at the
    end), so the indexes hold what they would have held. Nothing is updated if the block
    fails. For loading commands only: the handlers are disconnected for every thread.
    """
    from modelsearch.index import get_indexed_models
    from modelsearch.signal_handlers import post_save_signal_handler as update_search
    from wagtail.signal_handlers import update_reference_index_on_save as update_references

    # The admin's viewsets register their models with the reference index when the URLconf
    # is loaded: load it first, so that every tracked model is known (and handled) here.
    import_module(settings.ROOT_URLCONF)
    handled: dict[type, list] = {}
    for handler, models in (
        (update_search, get_indexed_models()),
        (update_references, ReferenceIndex.tracked_models),
    ):
        for model in models:
            if post_save.disconnect(handler, sender=model):
                handled.setdefault(model, []).append(handler)
    pending: dict[tuple, object] = {}

    def collect(sender, instance, raw=False, **kwargs):
        if not raw:
            for handler in handled.get(sender, ()):
                pending[(handler, sender, instance.pk)] = instance

    post_save.connect(collect, weak=False, dispatch_uid="hub.demo.index_updates_once")
    try:
        yield
    finally:
        post_save.disconnect(dispatch_uid="hub.demo.index_updates_once")
        for model, handlers in handled.items():
            for handler in handlers:
                post_save.connect(handler, sender=model)
    with transaction.atomic():
        searched: dict[type, list] = {}
        for (handler, sender, pk), instance in pending.items():
            if handler is update_search:
                searched.setdefault(sender, []).append(pk)
            else:
                handler(sender=sender, instance=instance)
        _add_to_search_index(searched)


def _add_to_search_index(pks_by_model: dict[type, list]) -> None:
    """What Wagtail's search handler does for each object saved (index the object as the
    database holds it, if its class's indexed objects include it, in every backend that
    updates itself), a model at a time: one `add_bulk` per model, as `update_index` does,
    instead of a task, two lookups and an `add` per object."""
    from modelsearch.backends import get_search_backends_with_name
    from modelsearch.index import get_indexed_instance

    by_class: dict[type, list] = {}
    for model, pks in pks_by_model.items():
        for obj in model._default_manager.filter(pk__in=pks).order_by("pk"):
            indexed = get_indexed_instance(obj, check_exists=False)
            if indexed is not None:
                by_class.setdefault(type(indexed), []).append(indexed)
    backends = [backend for _name, backend in get_search_backends_with_name(with_auto_update=True)]
    for cls, objects in by_class.items():
        kept = set(
            cls.get_indexed_objects()
            .filter(pk__in=[obj.pk for obj in objects])
            .values_list("pk", flat=True)
        )
        objects = [obj for obj in objects if obj.pk in kept]
        for backend in backends:
            if objects:
                backend.add_bulk(cls, objects)


def demo_accounts_table() -> list[tuple[str, str]]:
    rows = [(account.email, account.role) for account in DEMO_ACCOUNTS]
    rows += [(email, f"famiglia ({family})") for email, _n, family, _m, _y in FAMILIES]
    return rows
