"""Demo associations of both networks, created through the same services as real ones.

Each is submitted as a join request and approved by the demo admin, so it gets its page,
Wagtail group, collection and review workflow exactly as a real association does. The demo
volunteer is admin of the Polisportiva Bruinese; the other invitations stay pending.
"""

from __future__ import annotations

from django.db import transaction

from associations import services
from associations.demo_initiatives import load_initiatives
from associations.models import Association, Invitation
from hub.models import Area, Municipality, Network, User

VOLUNTEER_EMAIL = "volontario@example.org"
VOLUNTEER_ASSOCIATION = "polisportiva-bruinese"

# (network slug, name, slug, kind, municipality slugs, area slugs, description)
ASSOCIATIONS = [
    (
        "cidis",
        "Polisportiva Bruinese",
        "polisportiva-bruinese",
        Association.Kind.SPORTS_CLUB,
        ["bruino", "volvera"],
        ["ambiente-e-sport"],
        "Minibasket, pallavolo e ginnastica per bambini dai 5 ai 13 anni.",
    ),
    (
        "cidis",
        "Genitori in cammino Orbassano",
        "genitori-in-cammino-orbassano",
        Association.Kind.INFORMAL_GROUP,
        ["orbassano", "beinasco"],
        ["comunita-educante", "welfare-territoriale"],
        "Gruppo di auto mutuo aiuto per genitori di bambini 0–6 anni.",
    ),
    (
        "cidis",
        "Oratorio San Vito Piossasco",
        "oratorio-san-vito-piossasco",
        Association.Kind.PARISH,
        ["piossasco"],
        ["comunita-educante"],
        "Estate ragazzi, doposcuola e laboratori per le famiglie.",
    ),
    (
        "cidis",
        "Legambiente Rivalta",
        "legambiente-rivalta",
        Association.Kind.ASSOCIATION,
        ["rivalta-di-torino"],
        ["ambiente-e-sport", "comunicazione"],
        "Puliamo il mondo, orti condivisi e passeggiate naturalistiche per famiglie.",
    ),
    (
        "rete-lombarda",
        "Associazione Famiglie Sestesi",
        "famiglie-sestesi",
        Association.Kind.ASSOCIATION,
        ["sesto-san-giovanni", "cinisello-balsamo"],
        ["welfare-territoriale", "misure-economiche"],
        "Promuove il GAF di Sesto e la Rete dei Negozi di Buon Vicinato.",
    ),
    (
        "rete-lombarda",
        "GS Lissonese",
        "gs-lissonese",
        Association.Kind.SPORTS_CLUB,
        ["lissone", "muggio"],
        ["ambiente-e-sport"],
        "Calcio e atletica giovanile, con quote ridotte per famiglie numerose.",
    ),
    (
        "rete-lombarda",
        "Scuola dei Genitori Brianza",
        "scuola-dei-genitori-brianza",
        Association.Kind.COOPERATIVE,
        ["carate-brianza", "cesano-maderno"],
        ["comunita-educante", "governance"],
        "Percorsi sul Patto di Corresponsabilità Educativa tra scuola e famiglia.",
    ),
    (
        "rete-lombarda",
        "Famiglie per l'accoglienza Milano",
        "famiglie-accoglienza-milano",
        Association.Kind.ASSOCIATION,
        ["milano"],
        ["welfare-territoriale"],
        "Accoglienza familiare e sostegno reciproco tra famiglie.",
    ),
]


@transaction.atomic
def load(*, admin: User) -> dict[str, int]:
    created = {"associations": 0}
    networks = {network.slug: network for network in Network.objects.all()}
    municipalities = {m.slug: m for m in Municipality.objects.all()}
    areas = {area.slug: area for area in Area.objects.all()}
    for network_slug, name, slug, kind, served, area_slugs, description in ASSOCIATIONS:
        if Association.objects.filter(name=name).exists():
            continue
        editor = (
            VOLUNTEER_EMAIL if slug == VOLUNTEER_ASSOCIATION else f"redazione+{slug}@example.org"
        )
        request = services.join_request_submit(
            data=services.JoinRequestData(
                name=name,
                kind=kind,
                network=networks[network_slug],
                municipalities=[municipalities[m] for m in served],
                areas=[areas[a] for a in area_slugs],
                description=description,
                contact_name=f"Segreteria {name}",
                contact_email=f"info+{slug}@example.org",
                editor_email=editor,
            )
        )
        association = services.join_request_approve(join_request=request, by=admin)
        created["associations"] += 1
        if slug == VOLUNTEER_ASSOCIATION:
            _accept_volunteer_invitation(association)
    created.update(load_initiatives(admin=admin))
    return created


def _accept_volunteer_invitation(association: Association) -> None:
    volunteer = User.objects.get(email=VOLUNTEER_EMAIL)
    invitation = Invitation.objects.get(association=association, email=VOLUNTEER_EMAIL)
    # The token is only in the e-mail; the demo accepts on the volunteer's behalf.
    token = "demo-" + association.slug
    invitation.token_hash = services.invitation_token_hash(token)
    invitation.save(update_fields=["token_hash"])
    services.invitation_accept(token=token, user=volunteer)
