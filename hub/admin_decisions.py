"""Decision screens of the Wagtail admin: things that staff approve or reject.

A model reviewed this way (join requests, event proposals) is listed and inspected with
Wagtail's generic viewset, under `ReviewOnlyPolicy`, so that its generic add, edit and delete
forms write nothing; every change is one `DecisionView`, a confirmation screen that calls
one service.
"""

from __future__ import annotations

from django import forms
from django.contrib.admin.utils import quote
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.auth import permission_denied
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.permission_policies import ModelPermissionPolicy


class ReviewOnlyPolicy(ModelPermissionPolicy):
    """Lets reviewers list and inspect; every change goes through the decision views.

    Without it, the generic add, edit and delete forms of the model viewset would write to
    the model directly, around the services.
    """

    def __init__(self, model, *, may_review):
        super().__init__(model)
        self.may_review = may_review

    def user_has_permission(self, user, action):
        return action == "view" and self.may_review(user)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and self.may_review(user)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Motivazione"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
        help_text=gettext_lazy("Verrà inviata per e-mail a chi ha fatto richiesta."),
        error_messages={"required": gettext_lazy("Spiega il motivo del rifiuto.")},
    )


class DecisionView(WagtailAdminTemplateMixin, FormView):
    """A confirmation screen that performs one service call on POST.

    Subclasses set `model`, `may_decide(user)`, `perform(form)` and the labels.
    """

    model = None
    form_class = forms.Form
    template_name = "hub/admin/decision.html"
    submit_label = ""
    submit_classname = "button"
    index_url_name = ""
    inspect_url_name = ""

    def may_decide(self, user) -> bool:
        raise NotImplementedError

    def get_queryset(self):
        return self.model._default_manager.all()

    def dispatch(self, request, *args, **kwargs):
        if not self.may_decide(request.user):
            return permission_denied(request)
        self.object = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": self.model._meta.verbose_name_plural},
            {"url": self.inspect_url, "label": str(self.object)},
            {"url": "", "label": self.get_page_title()},
        ]

    @cached_property
    def inspect_url(self):
        return reverse(self.inspect_url_name, args=[quote(self.object.pk)])

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            object=self.object,
            summary=self.get_summary(),
            submit_label=self.submit_label,
            submit_classname=self.submit_classname,
            cancel_url=self.inspect_url,
            **kwargs,
        )

    def get_summary(self) -> list[tuple[str, str]]:
        return []

    def form_valid(self, form):
        try:
            message = self.perform(form)
        except ValidationError as error:
            if hasattr(error, "error_dict") and set(error.error_dict) <= set(form.fields):
                for field_name, errors in error.error_dict.items():
                    form.add_error(field_name, errors)
                return self.form_invalid(form)
            messages.error(self.request, " ".join(error.messages))
            return redirect(self.inspect_url)
        messages.success(self.request, message)
        return redirect(self.index_url_name)

    def form_invalid(self, form):
        messages.validation_error(self.request, _("Correggi gli errori qui sotto."), form)
        return self.render_to_response(self.get_context_data(form=form), status=400)
