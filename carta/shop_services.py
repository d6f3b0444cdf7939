"""Shops joining the network (esercizi convenzionati): the public request, and staff's
decision with the hub's Decision (as associations' join requests): lock the row, check it is
still pending, approve or reject with a reason.

Then the shop's operators manage it: its public details, its outlets, and its team
(an e-mail invitation as the associations' editors', accepted by the invited person signed
in with that address; a colleague removed, never the last). Every refusal names its field
and nothing is saved."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from carta import notifications, tokens, vat
from carta.models import Category, Offer, Outlet, Shop, ShopInvitation, ShopOperator
from hub import notifications as notification_centre
from hub.models import Municipality, Network, User
from hub.tasks import queue_email_on_commit
from hub.urls_absolute import absolute_url


@dataclass(frozen=True)
class ShopApplication:
    network: Network
    business_name: str
    vat_number: str
    contact_email: str
    operator_email: str
    outlet_name: str
    outlet_address: str
    outlet_municipality: Municipality
    latitude: Decimal | None = None
    longitude: Decimal | None = None


@transaction.atomic
def shop_join_submit(*, data: ShopApplication) -> Shop:
    """A pending shop with its first outlet; every refusal names its field, nothing is saved."""
    number = vat.normalise(data.vat_number)
    if not vat.is_valid(number):
        raise ValidationError(
            {
                "vat_number": _(
                    "La partita IVA non è valida: sono 11 cifre e l'ultima è di controllo."
                )
            }
        )
    if not data.network.municipalities.filter(pk=data.outlet_municipality.pk).exists():
        raise ValidationError(
            {
                "outlet_municipality": _("Il comune %(name)s non fa parte della rete scelta.")
                % {"name": data.outlet_municipality.name}
            }
        )
    if (data.latitude is None) != (data.longitude is None):
        raise ValidationError(
            {"longitude": _("Indica entrambe le coordinate, oppure nessuna delle due.")}
        )
    taken = (
        Shop.objects.filter(network=data.network, vat_number=number)
        .exclude(status=Shop.Status.REJECTED)
        .exists()
    )
    if taken:
        raise ValidationError(
            {
                "vat_number": _(
                    "Un esercizio con questa partita IVA è già convenzionato o in attesa nella "
                    "rete."
                )
            }
        )
    # A rejected request may be sent again: it replaces the old one.
    Shop.objects.filter(
        network=data.network, vat_number=number, status=Shop.Status.REJECTED
    ).delete()
    shop = Shop(
        network=data.network,
        business_name=data.business_name.strip(),
        vat_number=number,
        contact_email=data.contact_email.strip().lower(),
        operator_email=data.operator_email.strip().lower(),
    )
    shop.full_clean()
    shop.save()
    outlet = Outlet(
        shop=shop,
        name=data.outlet_name.strip(),
        address=data.outlet_address.strip(),
        municipality=data.outlet_municipality,
        latitude=data.latitude,
        longitude=data.longitude,
    )
    outlet.full_clean()
    outlet.save()
    queue_email_on_commit(
        to=[shop.contact_email],
        template="carta/email/shop_received",
        context={"name": shop.business_name, "network": str(data.network)},
    )
    return shop


def _locked_pending(shop: Shop) -> Shop:
    locked = Shop.objects.select_for_update().select_related("network").get(pk=shop.pk)
    if not locked.is_pending:
        raise ValidationError(_("La richiesta è già stata decisa."), code="already_decided")
    return locked


@transaction.atomic
def shop_approve(*, shop: Shop, by) -> Shop:
    """Approve the shop and make its first operator one (an account without a password is
    created for a new address: they choose one through "password dimenticata")."""
    shop = _locked_pending(shop)
    shop.save(update_fields=shop.approve(by=by))
    if shop.operator_email:
        operator = User.objects.filter(email__iexact=shop.operator_email).first()
        if operator is None:
            operator = User.objects.create_user(email=shop.operator_email, password=None)
        ShopOperator.objects.get_or_create(shop=shop, user=operator)
        queue_email_on_commit(
            to=[shop.operator_email],
            template="carta/email/shop_approved",
            context={
                "name": shop.business_name,
                "verify_url": absolute_url(reverse("carta:verify")),
                "password_url": absolute_url(reverse("account_reset_password")),
            },
        )
    return shop


@transaction.atomic
def shop_reject(*, shop: Shop, by, reason: str) -> Shop:
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Spiega il motivo: verrà inviato a chi ha fatto richiesta.")}
        )
    shop = _locked_pending(shop)
    shop.save(update_fields=shop.reject(by=by, reason=reason))
    if shop.contact_email:
        queue_email_on_commit(
            to=[shop.contact_email],
            template="carta/email/shop_rejected",
            context={"name": shop.business_name, "reason": reason},
        )
    return shop


# --- The shop's own management (its operators, and staff) ---------------------------------


@dataclass(frozen=True)
class ShopDetails:
    description: str = ""
    contact_email: str = ""
    public_email: str = ""
    phone: str = ""
    website: str = ""
    categories: tuple[Category, ...] = ()


@transaction.atomic
def shop_details_update(*, shop: Shop, data: ShopDetails) -> Shop:
    """The shop's public details, and the address the network writes to (not public); the
    business name and VAT number stay staff's."""
    if not data.contact_email.strip():
        raise ValidationError(
            {"contact_email": _("Serve un indirizzo a cui la rete possa scrivere all'esercizio.")}
        )
    shop = Shop.objects.select_for_update().get(pk=shop.pk)
    shop.description = data.description.strip()
    shop.contact_email = data.contact_email.strip().lower()
    shop.public_email = data.public_email.strip().lower()
    shop.phone = data.phone.strip()
    shop.website = data.website.strip()
    shop.full_clean(exclude=["operator_email"])
    shop.save(update_fields=["description", "contact_email", "public_email", "phone", "website"])
    shop.categories.set(data.categories)
    return shop


@dataclass(frozen=True)
class OutletData:
    name: str
    address: str
    municipality: Municipality
    latitude: Decimal | None = None
    longitude: Decimal | None = None


LATITUDE_RANGE = (Decimal(-90), Decimal(90))
LONGITUDE_RANGE = (Decimal(-180), Decimal(180))


def _outlet_errors(shop: Shop, data: OutletData) -> dict[str, str]:
    errors = {}
    if not data.name.strip():
        errors["name"] = _("Dai un nome al punto vendita, ad esempio «Centro».")
    if not data.address.strip():
        errors["address"] = _("Scrivi l'indirizzo del punto vendita.")
    if not shop.network.municipalities.filter(pk=data.municipality.pk).exists():
        errors["municipality"] = _(
            "Il comune %(name)s non fa parte della rete %(network)s: scegli uno dei suoi comuni."
        ) % {"name": data.municipality.name, "network": shop.network}
    if data.latitude is not None and not (LATITUDE_RANGE[0] <= data.latitude <= LATITUDE_RANGE[1]):
        errors["latitude"] = _("La latitudine è un numero tra -90 e 90 (ad esempio 45.0703).")
    if data.longitude is not None and not (
        LONGITUDE_RANGE[0] <= data.longitude <= LONGITUDE_RANGE[1]
    ):
        errors["longitude"] = _("La longitudine è un numero tra -180 e 180 (ad esempio 7.6869).")
    if (data.latitude is None) != (data.longitude is None) and not errors.keys() & {
        "latitude",
        "longitude",
    }:
        errors["longitude"] = _("Indica entrambe le coordinate, oppure nessuna delle due.")
    return errors


@transaction.atomic
def outlet_save(*, shop: Shop, data: OutletData, outlet: Outlet | None = None) -> Outlet:
    """Add an outlet to the shop, or change `outlet` (which must be the shop's)."""
    if outlet is not None and outlet.shop_id != shop.pk:
        raise ValidationError(_("Questo punto vendita non è del tuo esercizio."))
    if errors := _outlet_errors(shop, data):
        raise ValidationError(errors)
    outlet = outlet or Outlet(shop=shop)
    outlet.name = data.name.strip()
    outlet.address = data.address.strip()
    outlet.municipality = data.municipality
    outlet.latitude = data.latitude
    outlet.longitude = data.longitude
    outlet.full_clean()
    outlet.save()
    return outlet


@transaction.atomic
def outlet_delete(*, shop: Shop, outlet: Outlet) -> None:
    """Remove an outlet. Refused for the shop's last one (cards are verified at an outlet)
    and for the only outlet of an offer not yet ended: that offer would silently become
    valid at every outlet, so the operator changes or ends it first. Ended offers simply
    lose the outlet; past verifications keep their shop."""
    if outlet.shop_id != shop.pk:
        raise ValidationError(_("Questo punto vendita non è del tuo esercizio."))
    outlets = list(Outlet.objects.select_for_update().filter(shop=shop).order_by("pk"))
    if len(outlets) <= 1:
        raise ValidationError(
            _("L'esercizio deve avere almeno un punto vendita: aggiungine un altro prima."),
            code="last_outlet",
        )
    sole = sorted(
        Offer.objects.filter(pk__in=outlet.offers.filter(ends_on__gte=timezone.localdate()))
        .annotate(outlets_count=Count("outlets", distinct=True))
        .filter(outlets_count=1)
        .values_list("title", flat=True)
    )
    if sole:
        raise ValidationError(
            _(
                "Il punto vendita è l'unico delle offerte %(titles)s: aggiungi un altro punto "
                "vendita a queste offerte, o chiudile, prima di eliminarlo."
            )
            % {"titles": ", ".join(f"«{title}»" for title in sole)},
            code="outlet_in_use",
        )
    outlet.delete()


INVITATION_VALIDITY = dt.timedelta(days=7)


@transaction.atomic
def shop_invitation_create(*, shop: Shop, email: str, by) -> tuple[ShopInvitation, str]:
    """Invite a colleague by e-mail to operate the shop (a new invitation to the same
    address replaces the pending one). Returns the invitation and its token."""
    email = email.strip().lower()
    if shop.status != Shop.Status.APPROVED:
        raise ValidationError(_("L'esercizio non è ancora approvato dalla rete."))
    if shop.memberships.filter(user__email__iexact=email).exists():
        raise ValidationError({"email": _("Questa persona è già operatrice dell'esercizio.")})
    shop.invitations.filter(
        email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    token = secrets.token_urlsafe(32)
    invitation = ShopInvitation.objects.create(
        shop=shop,
        email=email,
        token_hash=tokens.invitation_token_hash(token),
        invited_by=by,
        expires_at=timezone.now() + INVITATION_VALIDITY,
    )
    queue_email_on_commit(
        to=[email],
        template="carta/email/operator_invitation",
        context={
            "name": shop.business_name,
            "accept_url": absolute_url(reverse("carta:operator_invitation", args=[token])),
            "days": INVITATION_VALIDITY.days,
        },
    )
    return invitation, token


@transaction.atomic
def shop_invitation_revoke(*, shop: Shop, invitation_id: int) -> bool:
    return bool(
        shop.invitations.filter(
            pk=invitation_id, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
    )


def invitation_refusal(invitation: ShopInvitation | None, user=None) -> str | None:
    """Why the invitation cannot be accepted (by `user`, when given), or None."""
    if invitation is None or invitation.revoked_at is not None:
        return _("Invito non valido o revocato.")
    if invitation.accepted_at is not None:
        return _("Questo invito è già stato usato.")
    if invitation.expires_at < timezone.now():
        return _("L'invito è scaduto: chiedi all'esercizio di mandarne uno nuovo.")
    if invitation.shop.status != Shop.Status.APPROVED:
        return _("L'esercizio non è più convenzionato con la rete.")
    return None


@transaction.atomic
def shop_invitation_accept(*, token: str, user) -> ShopOperator:
    invitation = (
        ShopInvitation.objects.select_for_update()
        .select_related("shop")
        .filter(token_hash=tokens.invitation_token_hash(token))
        .first()
    )
    if refusal := invitation_refusal(invitation):
        raise ValidationError(refusal, code="invalid")
    if user.email.lower() != invitation.email.lower():
        raise PermissionDenied(
            _("Questo invito è per %(email)s: accedi con quell'indirizzo.")
            % {"email": invitation.email}
        )
    membership, _created = ShopOperator.objects.get_or_create(shop=invitation.shop, user=user)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    colleagues = User.objects.filter(shop_memberships__shop=invitation.shop).exclude(pk=user.pk)
    notification_centre.notify(
        users=colleagues,
        kind=notifications.SHOP_TEAM,
        title=_("%(email)s è ora operatore di %(name)s")
        % {"email": user.email, "name": invitation.shop.business_name},
        url=reverse("carta:operator_shop", args=[invitation.shop.pk]),
        place=notifications.shop_place(invitation.shop.pk),
        place_label=invitation.shop.business_name,
        actor=user,
    )
    return membership


@transaction.atomic
def shop_operator_remove(*, shop: Shop, operator_id: int, by) -> None:
    """Remove one of the shop's operators (oneself too), never the last one."""
    memberships = list(
        ShopOperator.objects.select_for_update().filter(shop=shop).select_related("user")
    )
    membership = next((m for m in memberships if m.user_id == operator_id), None)
    if membership is None:
        raise ValidationError(_("Questa persona non è operatrice dell'esercizio."))
    if len(memberships) <= 1:
        raise ValidationError(
            _(
                "L'esercizio deve avere almeno un operatore: invita un collega prima di "
                "rimuovere l'ultimo."
            ),
            code="last_operator",
        )
    membership.delete()
    notification_centre.notify(
        users=[membership.user],
        kind=notifications.SHOP_TEAM,
        title=_("Non sei più operatore di %(name)s") % {"name": shop.business_name},
        place=notifications.shop_place(shop.pk),
        place_label=shop.business_name,
        actor=by,
    )
