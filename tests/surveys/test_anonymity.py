"""Anonymity by construction (issue 17, item 8): no response row can be joined back to a
person, a family or an invitation. The proof is the schema itself, field by field."""

import pytest
from django.db import models

from hub.models import Family, FamilyMember, User
from surveys import services
from surveys.models import Answer, Invitation, Response
from tests.hub.factories import UserFactory, make_family
from tests.surveys.factories import good_answers, make_survey

# What a response may point to: the survey, a municipality (coarse context), and the
# questionnaire's own questions. Anything else is a way back to someone.
ALLOWED_TARGETS = {
    (Response, "survey"): "surveys.survey",
    (Response, "municipality"): "hub.municipality",
    (Answer, "response"): "surveys.response",
    (Answer, "question"): "surveys.question",
}
IDENTIFYING = {User, Family, FamilyMember, Invitation}
FORBIDDEN_NAME_PARTS = ("token", "user", "family", "invit", "email", "session", "agent")


@pytest.mark.parametrize("model", [Response, Answer])
def test_no_field_of_a_response_or_answer_can_lead_back_to_someone(model):
    for field in model._meta.get_fields():
        if field.auto_created and not field.concrete:
            # Reverse relations (a response's answers) are other tables pointing here.
            assert field.related_model in {Answer}, field
            continue
        name = field.name.lower()
        assert not any(part in name for part in FORBIDDEN_NAME_PARTS), field
        if field.is_relation:
            assert field.related_model not in IDENTIFYING, field
            assert field.related_model._meta.label_lower == ALLOWED_TARGETS[(model, field.name)]
        # No time finer than a day: a timestamp could be matched with an invitation's use.
        assert not isinstance(field, models.DateTimeField | models.TimeField), field
        assert not isinstance(field, models.GenericIPAddressField), field


def test_no_table_points_from_an_invitation_or_a_person_to_a_response():
    for model in (Invitation, User, Family, FamilyMember):
        for field in model._meta.get_fields():
            if field.is_relation:
                assert field.related_model not in {Response, Answer}, (model, field)


@pytest.mark.django_db
def test_an_invitation_records_only_that_it_was_answered(client):
    survey = make_survey(audience="invited")
    town = survey.network.municipalities.first()
    make_family(user=UserFactory(email="a@example.org"), municipality=town, birth_years=[2025])
    services.invitations_send(survey=survey, born_since=2024)
    invitation = Invitation.objects.get()
    before = {f.attname: getattr(invitation, f.attname) for f in Invitation._meta.concrete_fields}
    # The token is only in the e-mail: rebuild it as the service does.
    token = services._token_for(invitation.salt)
    response = client.post(f"/questionari/invito/{token}/", good_answers())
    assert response.status_code == 200
    invitation.refresh_from_db()
    after = {f.attname: getattr(invitation, f.attname) for f in Invitation._meta.concrete_fields}
    changed = {key for key in before if before[key] != after[key]}
    assert changed == {"answered"}
    stored = Response.objects.get()
    # The coarse context is copied as values, with nothing that names the invitation.
    assert stored.municipality_id == town.pk and stored.age_band == "0-2"
    assert not hasattr(stored, "invitation_id")
