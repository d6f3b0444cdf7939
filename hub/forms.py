"""Forms of the core: family household, API tokens, Wagtail user admin."""

from __future__ import annotations

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm

from hub.models import Municipality


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
