"""Who may do what with the Carta Famiglia."""

from __future__ import annotations

from carta.models import Card, Shop
from hub.rules import is_person


def may_see_card(user, card: Card) -> bool:
    """Only the adults of the card's family (staff use the staff pages)."""
    return is_person(user) and card.family.memberships.filter(user=user).exists()


def is_shop_operator(user, shop: Shop | None = None) -> bool:
    """An operator of an approved shop (of `shop`, when given)."""
    if not is_person(user):
        return False
    memberships = user.shop_memberships.filter(shop__status=Shop.Status.APPROVED)
    if shop is not None:
        memberships = memberships.filter(shop=shop)
    return memberships.exists()


def may_manage_offer(user, offer) -> bool:
    """Operators of the offer's shop, and no one else's."""
    return is_shop_operator(user, offer.shop)


def is_staff(user) -> bool:
    return is_person(user) and (user.is_staff or user.is_superuser)


def may_manage_shop(user, shop: Shop) -> bool:
    """The shop's public details, outlets and operators: its own operators (once the shop is
    approved) and network staff; no other shop's operators."""
    return is_staff(user) or is_shop_operator(user, shop)


def may_remove_operator(user, shop: Shop, operator) -> bool:
    """Whoever manages the shop removes a colleague (themselves too); the service keeps the
    last one."""
    return may_manage_shop(user, shop) and shop.memberships.filter(user=operator).exists()
