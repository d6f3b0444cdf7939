"""Shops joining the network (esercizi convenzionati): the public request, and staff's
decision with the hub's Decision (as associations' join requests): lock the row, check it is
still pending, approve or reject with a reason."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from carta import vat
from carta.models import Outlet, Shop, ShopOperator
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
