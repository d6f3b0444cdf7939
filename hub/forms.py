"""Forms of the core: family household, API tokens, Wagtail user admin."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm

from hub.models import Municipality
from hub.validation import validate_date_in_bounds

# --- Date-times typed in `datetime-local` inputs, read as Europe/Rome wall-clock times ----------

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def rome_instant(wall_clock: dt.datetime) -> dt.datetime:
    """The instant a naive Europe/Rome wall-clock time names; ValidationError when there is
    no such instant (spring forward) or two of them (fall back)."""
    zone = timezone.get_default_timezone()
    first = wall_clock.replace(tzinfo=zone, fold=0)
    second = wall_clock.replace(tzinfo=zone, fold=1)
    values = {
        "date": formats.date_format(wall_clock.date(), "SHORT_DATE_FORMAT"),
        "time": wall_clock.strftime("%H:%M"),
    }
    if first.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != wall_clock:
        raise ValidationError(
            _(
                "Il %(date)s le %(time)s non esistono: quella notte gli orologi passano "
                "dalle 2:00 alle 3:00 (inizio dell'ora legale). Scegli un altro orario."
            ),
            code="nonexistent_time",
            params=values,
        )
    if first.utcoffset() != second.utcoffset():
        raise ValidationError(
            _(
                "Il %(date)s le %(time)s capitano due volte: quella notte gli orologi tornano "
                "dalle 3:00 alle 2:00 (fine dell'ora legale). Scegli un orario prima delle "
                "2:00 o dalle 3:00 in poi."
            ),
            code="ambiguous_time",
            params=values,
        )
    return first


class RomeDateTimeField(forms.Field):
    """A `datetime-local` input read as a Europe/Rome time, giving an aware datetime."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL)
    default_error_messages = {
        "invalid": _("Scrivi data e ora, per esempio 2026-03-27T20:00."),
    }

    def prepare_value(self, value):
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            return timezone.localtime(value).strftime(DATETIME_LOCAL)
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            validate_date_in_bounds(value)
            return value if timezone.is_aware(value) else rome_instant(value)
        text = str(value).strip()
        for pattern in (DATETIME_LOCAL, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"):
            try:
                wall_clock = dt.datetime.strptime(text, pattern)
            except ValueError:
                continue
            # Before any time zone arithmetic, which overflows at the ends of the calendar.
            validate_date_in_bounds(wall_clock)
            return rome_instant(wall_clock)
        raise ValidationError(self.error_messages["invalid"], code="invalid")


class FamilyForm(forms.Form):
    name = forms.CharField(
        label=_("Nome della famiglia"),
        max_length=120,
        help_text=_(
            "Ad esempio «Famiglia Rossi». È visibile solo ai gruppi a cui la famiglia partecipa."
        ),
    )
    municipality = forms.ModelChoiceField(
        label=_("Comune di residenza"),
        queryset=Municipality.objects.order_by("name"),
        empty_label=_("Scegli il comune"),
    )
    child_birth_years = forms.CharField(
        label=_("Anni di nascita dei figli"),
        required=False,
        help_text=_(
            "Solo gli anni di nascita, separati da virgole (es. 2016, 2020). Non chiediamo i nomi."
        ),
    )

    def clean_child_birth_years(self) -> list[int]:
        raw = self.cleaned_data["child_birth_years"].strip()
        if not raw:
            return []
        this_year = timezone.localdate().year
        years: list[int] = []
        for part in re.split(r"[,;\s]+", raw):
            if not part:
                continue
            if not re.fullmatch(r"\d{4}", part):
                raise forms.ValidationError(
                    _("«%(value)s» non è un anno (scrivi quattro cifre, es. 2016)."),
                    params={"value": part},
                    code="invalid_year",
                )
            year = int(part)
            if not this_year - 60 <= year <= this_year + 1:
                raise forms.ValidationError(
                    _("L'anno %(year)s non è plausibile."), params={"year": year}, code="range"
                )
            years.append(year)
        if len(years) > 20:
            raise forms.ValidationError(_("Al massimo 20 figli."), code="too_many")
        return years


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Nome del token"),
        max_length=80,
        help_text=_("Per ricordarti dove lo usi, es. «calendario dell'associazione»."),
    )


class WagtailUserEditForm(UserEditForm):
    full_name = forms.CharField(label=_("Nome e cognome"), required=False, max_length=150)


class WagtailUserCreationForm(UserCreationForm):
    full_name = forms.CharField(label=_("Nome e cognome"), required=False, max_length=150)
