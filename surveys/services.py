"""The only writers of the surveys app: storing an anonymous response, sending invitations
and reminders."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hub.models import Municipality
from hub.tasks import queue_email_on_commit
from hub.urls_absolute import absolute_url
from surveys import selectors
from surveys.answering import CleanAnswer, age_band_for
from surveys.models import AgeBand, Answer, Invitation, Response, Survey

INVITATION_EMAIL = "surveys/email/invitation"
REMINDER_EMAIL = "surveys/email/reminder"
MAX_REMINDERS = 2


class SurveyClosed(ValidationError):
    pass


class InvitationUsed(ValidationError):
    pass


def _token_for(salt: str) -> str:
    # The link's token is derived from a random salt and the secret key: the database alone
    # (salt and hash) does not give it, and a reminder can still carry the same link.
    return hmac.new(settings.SECRET_KEY.encode(), salt.encode(), "sha256").hexdigest()


def _survey_link(token: str) -> str:
    return absolute_url(reverse("surveys:invitation", args=[token]))


@transaction.atomic
def response_submit(
    *,
    survey: Survey,
    answers: Sequence[CleanAnswer],
    municipality: Municipality | None = None,
    age_band: str = "",
    invitation_token: str | None = None,
) -> Response:
    """Store one anonymous response. With an invitation, the invitation row is locked, marked
    answered and its coarse context copied in the same transaction: a link answers once."""
    if not survey.is_open():
        raise SurveyClosed(_("Il questionario è chiuso: non accetta più risposte."), code="closed")
    if invitation_token is not None:
        invitation = (
            Invitation.objects.select_for_update()
            .filter(survey=survey, token_hash=selectors.token_hash(invitation_token))
            .first()
        )
        if invitation is None:
            raise ValidationError(_("Questo invito non è valido."), code="invalid_invitation")
        if invitation.answered:
            raise InvitationUsed(
                _("Questo invito è già stato usato: si può rispondere una volta sola."),
                code="invitation_used",
            )
        invitation.answered = True
        invitation.save(update_fields=["answered"])
        municipality, age_band = invitation.municipality, invitation.age_band
    elif survey.audience == Survey.Audience.INVITED:
        raise ValidationError(_("Questo questionario è solo su invito."), code="invited_only")
    if (
        municipality is not None
        and not survey.network.municipalities.filter(pk=municipality.pk).exists()
    ):
        raise ValidationError({"municipality": _("Il Comune non fa parte della rete.")})
    if age_band and age_band not in AgeBand.values:
        raise ValidationError({"age_band": _("Fascia d'età sconosciuta.")})
    response = Response.objects.create(
        survey=survey,
        submitted_on=timezone.localdate(),
        municipality=municipality,
        age_band=age_band or "",
    )
    Answer.objects.bulk_create(
        Answer(
            response=response,
            question_id=answer.question_id,
            choice=answer.choice,
            number=answer.number,
            text=answer.text,
        )
        for answer in answers
    )
    return response


@transaction.atomic
def invitations_send(*, survey: Survey, born_since: int | None) -> int:
    """Invite every eligible family not yet invited (one e-mail to its managing adult), each
    with a personal one-time link. Returns how many were invited."""
    if survey.audience != Survey.Audience.INVITED:
        raise ValidationError(_("Gli inviti servono solo per i questionari su invito."))
    if survey.status != Survey.Status.PUBLISHED or survey.closes_at <= timezone.now():
        raise ValidationError(_("Si invita solo a un questionario pubblicato e non chiuso."))
    year = timezone.localdate().year
    families = selectors.eligible_families(survey, born_since=born_since).prefetch_related(
        "children", "memberships__user"
    )
    taken = set(Invitation.objects.filter(survey=survey).values_list("email", flat=True))
    invited = 0
    for family in families:
        adults = sorted(family.memberships.all(), key=lambda m: (not m.is_manager, m.pk))
        emails = [m.user.email for m in adults if m.user.is_active and m.user.email not in taken]
        if not emails:
            continue
        salt = secrets.token_hex(16)
        token = _token_for(salt)
        Invitation.objects.create(
            survey=survey,
            family=family,
            email=emails[0],
            salt=salt,
            token_hash=selectors.token_hash(token),
            municipality_id=family.municipality_id,
            age_band=age_band_for([c.birth_year for c in family.children.all()], year),
        )
        taken.add(emails[0])
        queue_email_on_commit(
            to=[emails[0]],
            template=INVITATION_EMAIL,
            context=_email_context(survey, token),
        )
        invited += 1
    return invited


def _email_context(survey: Survey, token: str) -> dict:
    return {
        "title": survey.title,
        "network": survey.network.name,
        "link": _survey_link(token),
        "closes_on": timezone.localtime(survey.closes_at).strftime("%d/%m/%Y"),
    }


@transaction.atomic
def invitations_remind(*, survey: Survey) -> int:
    """Remind those who have not answered (at most MAX_REMINDERS times each) while the
    survey is open. Safe to run twice: an invitation is reminded at most once a day."""
    if not survey.is_open():
        return 0
    reminded, today = 0, timezone.localdate()
    pending = (
        selectors.unanswered_invitations(survey)
        .select_for_update()
        .filter(reminders_sent__lt=MAX_REMINDERS)
        .exclude(reminded_on=today)
    )
    for invitation in pending:
        invitation.reminders_sent += 1
        invitation.reminded_on = today
        invitation.save(update_fields=["reminders_sent", "reminded_on"])
        queue_email_on_commit(
            to=[invitation.email],
            template=REMINDER_EMAIL,
            context=_email_context(survey, _token_for(invitation.salt)),
        )
        reminded += 1
    return reminded
