"""Background work of the surveys app (django-q2). Each task loads its survey and calls one
service; running one twice sends nothing twice."""

from __future__ import annotations

from surveys import services
from surveys.models import Survey


def survey_send_reminders(survey_id: int) -> int:
    survey = Survey.objects.filter(pk=survey_id).first()
    if survey is None:
        return 0
    return services.invitations_remind(survey=survey)
