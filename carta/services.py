"""Every change to the Carta Famiglia: issue, renew, new QR code, suspend or revoke, and the
verification by a shop (which writes its log)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carta import eligibility, selectors, tokens
from carta.models import Card, Outlet, Shop, Verification
from carta.notifications import RENEWAL, STATUS, place_of
from hub import notifications
from hub.dates import day

REASON_MESSAGES = {
    eligibility.NOT_RESIDENT: gettext_lazy(
        "Il comune di residenza della famiglia non fa parte di una rete aderente."
    ),
    eligibility.TOO_FEW_MINORS: gettext_lazy(
        "La famiglia non ha abbastanza figli minorenni per la Carta Famiglia della rete."
    ),
    eligibility.ISEE_NOT_DECLARED: gettext_lazy(
        "La rete chiede di dichiarare la fascia ISEE della famiglia."
    ),
    eligibility.ISEE_TOO_HIGH: gettext_lazy(
        "La fascia ISEE dichiarata è oltre quella prevista dalla rete."
    ),
}
# How many days before its end a card may be renewed, and when reminders go out.
RENEWAL_WINDOW_DAYS = 30
REMINDER_DAYS = (30, 7)


class CardError(Exception):
    """A refused change: `messages` are for people, `code` for programs."""

    def __init__(self, code: str, messages: list[str]):
        super().__init__(code)
        self.code = code
        self.messages = messages


def _today() -> dt.date:
    return timezone.localdate()


def _assess(family, *, declared_isee_band: str, today: dt.date):
    network = selectors.network_of_family(family)
    rule = selectors.rule_of(network)
    result = eligibility.assess(
        child_birth_years=selectors.child_birth_years(family),
        resident_in_member_municipality=network is not None,
        year=today.year,
        conditions=selectors.conditions_of(rule),
        declared_isee_band=declared_isee_band,
    )
    if not result.eligible:
        raise CardError("not_eligible", [str(REASON_MESSAGES[r]) for r in result.reasons])
    return network, rule


def _set_token(card: Card) -> None:
    card.token_expires_on = card.valid_until
    card.token_hash = tokens.token_hash(token_of(card))


def token_of(card: Card) -> str:
    """The card's current QR token, derived again from its row and the secret."""
    return tokens.make_token(
        card_id=card.pk, generation=card.token_generation, expires_on=card.token_expires_on
    )


@transaction.atomic
def card_request(*, family, declared_isee_band: str = "", today: dt.date | None = None) -> Card:
    """Issue the family's card at once if it is eligible; CardError otherwise (and for a
    family that already has one)."""
    today = today or _today()
    if Card.objects.filter(family=family).exists():
        raise CardError("card_exists", [_("La famiglia ha già una Carta Famiglia.")])
    network, rule = _assess(family, declared_isee_band=declared_isee_band, today=today)
    valid_until = today + dt.timedelta(days=rule.validity_days)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                card = Card.objects.create(
                    family=family,
                    network=network,
                    number=tokens.new_card_number(),
                    issued_on=today,
                    valid_until=valid_until,
                    declared_isee_band=declared_isee_band,
                    token_expires_on=valid_until,
                    token_hash="",
                )
            break
        except IntegrityError:
            if Card.objects.filter(family=family).exists():
                raise CardError(
                    "card_exists", [_("La famiglia ha già una Carta Famiglia.")]
                ) from None
    else:  # pragma: no cover - five collisions among 10^11 numbers
        raise CardError("number_unavailable", [_("Riprova tra qualche istante.")])
    _set_token(card)
    card.save(update_fields=["token_hash", "token_expires_on"])
    return card


@transaction.atomic
def card_renew(*, card: Card, declared_isee_band: str = "", today: dt.date | None = None) -> Card:
    """Extend an active card from its end (or from today, once it has ended), if the family is
    still eligible; only in the last RENEWAL_WINDOW_DAYS or after the end. A new QR code."""
    today = today or _today()
    card = Card.objects.select_for_update().select_related("family").get(pk=card.pk)
    if card.status != Card.Status.ACTIVE:
        raise CardError(
            "card_not_active",
            [_("Una carta sospesa o revocata non si rinnova: contatta la rete.")],
        )
    if card.valid_until - today > dt.timedelta(days=RENEWAL_WINDOW_DAYS):
        raise CardError(
            "too_early",
            [
                _("La carta si può rinnovare dal %(date)s.")
                % {"date": day(card.valid_until - dt.timedelta(days=RENEWAL_WINDOW_DAYS))}
            ],
        )
    _network, rule = _assess(card.family, declared_isee_band=declared_isee_band, today=today)
    card.valid_until = max(card.valid_until, today) + dt.timedelta(days=rule.validity_days)
    card.declared_isee_band = declared_isee_band
    card.token_generation += 1
    _set_token(card)
    card.save(
        update_fields=[
            "valid_until",
            "declared_isee_band",
            "token_generation",
            "token_expires_on",
            "token_hash",
        ]
    )
    return card


@transaction.atomic
def card_new_token(*, card: Card) -> Card:
    """A new QR code: the previous one stops working at once."""
    card = Card.objects.select_for_update().get(pk=card.pk)
    card.token_generation += 1
    _set_token(card)
    card.save(update_fields=["token_generation", "token_expires_on", "token_hash"])
    return card


STATUS_TITLES = {
    Card.Status.ACTIVE: gettext_lazy("La tua Carta Famiglia è di nuovo attiva"),
    Card.Status.SUSPENDED: gettext_lazy("La tua Carta Famiglia è sospesa"),
    Card.Status.REVOKED: gettext_lazy("La tua Carta Famiglia è revocata"),
}


@transaction.atomic
def card_set_status(*, card: Card, status: str, reason: str, by) -> Card:
    """Staff suspend, revoke or reactivate a card; suspending and revoking need a reason. A
    revoked card stays revoked. The family is told through the notification centre."""
    reason = reason.strip()
    if status not in Card.Status.values:
        raise CardError("bad_status", [_("Stato della carta sconosciuto.")])
    card = Card.objects.select_for_update().get(pk=card.pk)
    if card.status == Card.Status.REVOKED:
        raise CardError("card_revoked", [_("La carta è revocata: non cambia più stato.")])
    if status != Card.Status.ACTIVE and not reason:
        raise CardError("reason_required", [_("Indica il motivo: la famiglia lo leggerà.")])
    if status == card.status:
        raise CardError("same_status", [_("La carta è già in questo stato.")])
    card.status = status
    card.status_reason = reason if status != Card.Status.ACTIVE else ""
    card.status_changed_by = by
    card.status_changed_at = timezone.now()
    card.save(update_fields=["status", "status_reason", "status_changed_by", "status_changed_at"])
    notifications.notify(
        users=list(card.family.memberships.values_list("user_id", flat=True)),
        kind=STATUS,
        title=str(STATUS_TITLES[status]),
        body=reason,
        url=reverse("carta:card"),
        place=place_of(card.network_id),
        place_label=str(card.network),
        actor=by,
    )
    return card


def cards_remind_renewal(*, today: dt.date | None = None) -> int:
    """Remind the families whose card ends within 30 and within 7 days: once each (the
    notification's key names the card, its end and the reminder). Safe to run twice."""
    today = today or _today()
    sent = 0
    for card in selectors.cards_expiring(today=today, within_days=max(REMINDER_DAYS)):
        days_left = (card.valid_until - today).days
        reminder = min(d for d in REMINDER_DAYS if days_left <= d)
        created = notifications.notify(
            users=[m.user_id for m in card.family.memberships.all()],
            kind=RENEWAL,
            title=_("La tua Carta Famiglia scade il %(date)s") % {"date": day(card.valid_until)},
            body=_("Rinnovala dalla pagina della carta: bastano pochi secondi."),
            url=reverse("carta:card"),
            place=place_of(card.network_id),
            place_label=str(card.network),
            key=f"carta:renewal:{card.pk}:{card.valid_until.isoformat()}:{reminder}",
        )
        sent += len(created)
    return sent


# --- Verification -------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerificationResult:
    """What a shop sees: never a name, an address or the card's number."""

    outcome: str
    valid_until: dt.date | None = None
    minor_children: int | None = None

    @property
    def is_valid(self) -> bool:
        return self.outcome == Verification.Outcome.VALID


# The status code of each answer (page and API): a valid card is the only 200.
OUTCOME_STATUS = {
    Verification.Outcome.VALID: 200,
    Verification.Outcome.FORGED: 400,
    Verification.Outcome.OTHER_NETWORK: 403,
    Verification.Outcome.UNKNOWN: 404,
    Verification.Outcome.EXPIRED: 409,
    Verification.Outcome.SUSPENDED: 409,
    Verification.Outcome.REVOKED: 409,
    Verification.Outcome.TOKEN_EXPIRED: 410,
    Verification.Outcome.TOKEN_REPLACED: 410,
}


def outcome_message(outcome: str, date: str) -> str:
    """What the shop reads: `date` is the card's end date, written for people."""
    return {
        Verification.Outcome.VALID: _("Carta valida fino al %(date)s."),
        Verification.Outcome.EXPIRED: _("Carta scaduta il %(date)s: non applicare lo sconto."),
        Verification.Outcome.SUSPENDED: _("Carta sospesa: non applicare lo sconto."),
        Verification.Outcome.REVOKED: _("Carta revocata: non applicare lo sconto."),
        Verification.Outcome.TOKEN_EXPIRED: _(
            "Codice QR scaduto: chiedi alla famiglia di aprire la carta aggiornata sul telefono."
        ),
        Verification.Outcome.TOKEN_REPLACED: _(
            "Codice QR sostituito da uno più recente: chiedi alla famiglia di mostrare quello "
            "attuale."
        ),
        Verification.Outcome.FORGED: _(
            "Codice QR non valido: non è stato emesso dalla rete oppure è stato alterato."
        ),
        Verification.Outcome.UNKNOWN: _("Nessuna carta con questo numero."),
        Verification.Outcome.OTHER_NETWORK: _(
            "Questa carta è di un'altra rete: non vale in questo esercizio."
        ),
    }[outcome] % {"date": date}


def _outcome_of_card(card: Card, *, today: dt.date) -> str:
    if card.status == Card.Status.REVOKED:
        return Verification.Outcome.REVOKED
    if card.status == Card.Status.SUSPENDED:
        return Verification.Outcome.SUSPENDED
    if card.valid_until < today:
        return Verification.Outcome.EXPIRED
    return Verification.Outcome.VALID


def _check(*, shop: Shop, token: str, number: str, today: dt.date) -> tuple[str, Card | None]:
    if token:
        expired = False
        try:
            claims = tokens.read_token(token, today=today)
        except tokens.TokenError as error:
            if error.claims is None:
                return Verification.Outcome.FORGED, None
            claims, expired = error.claims, True
        card = selectors.card_for_verification(card_id=claims.card_id)
        if card is None:
            return Verification.Outcome.UNKNOWN, None
        if claims.generation != card.token_generation or not tokens.same_hash(
            tokens.token_hash(token), card.token_hash
        ):
            return Verification.Outcome.TOKEN_REPLACED, card
        if expired:
            # The card's current code, past its day: say what became of the card itself
            # (ended, suspended, revoked) when there is something to say.
            outcome = _outcome_of_card(card, today=today)
            if card.network_id != shop.network_id:
                return Verification.Outcome.OTHER_NETWORK, card
            if outcome == Verification.Outcome.VALID:
                return Verification.Outcome.TOKEN_EXPIRED, card
            return outcome, card
    else:
        number = tokens.normalise_number(number)
        if not tokens.is_well_formed_number(number):
            return Verification.Outcome.UNKNOWN, None
        card = selectors.card_for_verification(number=number)
        if card is None:
            return Verification.Outcome.UNKNOWN, None
    if card.network_id != shop.network_id:
        return Verification.Outcome.OTHER_NETWORK, card
    return _outcome_of_card(card, today=today), card


def card_verify(
    *,
    shop: Shop,
    outlet: Outlet | None,
    token: str = "",
    number: str = "",
    today: dt.date | None = None,
) -> VerificationResult:
    """Answer a shop about a card (by QR token or typed number) and log the verification."""
    today = today or _today()
    outcome, card = _check(shop=shop, token=token, number=number, today=today)
    Verification.objects.create(
        shop=shop,
        outlet=outlet,
        outcome=outcome,
        card_hash=tokens.card_hash(card.number) if card is not None else "",
    )
    if card is None or outcome in (
        Verification.Outcome.OTHER_NETWORK,
        Verification.Outcome.TOKEN_REPLACED,
        Verification.Outcome.TOKEN_EXPIRED,
    ):
        return VerificationResult(outcome=outcome)
    minors = None
    if (
        outcome == Verification.Outcome.VALID
        and selectors.rule_of(card.network).show_minor_children
    ):
        minors = selectors.minor_children_of(card, year=today.year)
    return VerificationResult(outcome=outcome, valid_until=card.valid_until, minor_children=minors)
