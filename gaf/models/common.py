"""Field sizes and choices the gaf models share."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# The units are a table of their own (gaf.units); the models take their choices from it.
from gaf.units import CODE_MAX_LENGTH as UNIT_MAX_LENGTH  # noqa: F401 - for the models
from gaf.units import Unit as Unit

QUANTITY = {"max_digits": 12, "decimal_places": 3}
UNIT_PRICE = {"max_digits": 10, "decimal_places": 4}
AMOUNT = {"max_digits": 12, "decimal_places": 2}
PERCENT = {"max_digits": 5, "decimal_places": 2}


class AllocationPolicy(models.TextChoices):
    """How a product short of full cases is shared out (see gaf.allocation)."""

    FIFO = "fifo", _("in ordine di arrivo")
    PROPORTIONAL = "proportional", _("in proporzione alle quantità")


class VatRate(models.IntegerChoices):
    SUPER_REDUCED = 4, _("4%")
    SPECIAL = 5, _("5%")
    REDUCED = 10, _("10%")
    STANDARD = 22, _("22%")


def _percent_range(field: str) -> Q:
    return Q(**{f"{field}__gte": 0}) & Q(**{f"{field}__lte": 100})
