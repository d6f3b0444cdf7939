"""Answering a questionnaire: the phone-first public page, the personal link, skip logic and
required answers checked on the server, closed questionnaires and used links refused."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from surveys import services
from surveys.answering import QuestionSpec, SectionSpec, age_band_for, check_answers
from surveys.models import Answer, Invitation, Response, Survey
from tests.hub.factories import UserFactory, make_family
from tests.surveys.factories import good_answers, make_survey

URL = "/questionari/genitorialita/"


def _invite(survey, email="famiglia@example.org", birth_years=(2025,)):
    town = survey.network.municipalities.first()
    make_family(user=UserFactory(email=email), municipality=town, birth_years=birth_years)
    services.invitations_send(survey=survey, born_since=None)
    invitation = Invitation.objects.get(email=email)
    return services._token_for(invitation.salt)


# --- pure rules ------------------------------------------------------------------------------

Q = [
    QuestionSpec(1, "Q1", "Nido?", "single", True, ("Sì", "No"), 1),
    QuestionSpec(2, "Q2", "Soddisfazione", "scale", True, (), 2),
    QuestionSpec(3, "Q3", "Ore", "number", False, (), 3),
]
S = [SectionSpec(1), SectionSpec(2, "Q1", "No"), SectionSpec(3)]


def test_a_skipped_section_needs_no_answer_and_its_answers_are_dropped():
    answers, errors = check_answers(Q, S, {"q_Q1": ["No"], "q_Q2": ["5"]})
    assert errors == {}
    assert [a.question_id for a in answers] == [1]


def test_a_section_not_skipped_needs_its_required_answers():
    _answers, errors = check_answers(Q, S, {"q_Q1": ["Sì"]})
    assert errors == {"q_Q2": "Rispondi alla domanda «Soddisfazione»: è obbligatoria."}


@pytest.mark.parametrize(
    ("raw", "field", "message"),
    [
        ({"q_Q1": ["Forse"]}, "q_Q1", "«Forse» non è tra le opzioni della domanda «Nido?»."),
        ({"q_Q1": ["Sì", "No"]}, "q_Q1", "Per la domanda «Nido?» scegli una sola opzione."),
        ({"q_Q1": ["Sì"], "q_Q2": ["6"]}, "q_Q2", "scegli un valore da 1 a 5"),
        ({"q_Q1": ["No"], "q_Q3": ["tante"]}, "q_Q3", "vuole un numero, per esempio 3 oppure 2,5"),
        ({"q_Q1": ["No"], "q_Q3": ["1e400"]}, "q_Q3", "vuole un numero"),
    ],
)
def test_bad_answers_get_a_precise_italian_message(raw, field, message):
    _answers, errors = check_answers(Q, S, raw)
    assert message in errors[field]


def test_age_band_is_the_youngest_childs():
    assert age_band_for([2020, 2025], 2026) == "0-2"
    assert age_band_for([2015], 2026) == "11-14"
    assert age_band_for([2000], 2026) == "none"


# --- pages ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_public_page_shows_the_questionnaire_to_anyone(client):
    make_survey()
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Genitorialità sostenibile" in body
    assert 'name="q_Q3"' in body and 'type="checkbox"' in body
    assert 'name="viewport"' in body  # the base template's phone viewport


@pytest.mark.django_db
def test_a_complete_answer_is_stored_anonymously(client):
    survey = make_survey()
    town = survey.network.municipalities.first()
    response = client.post(URL, {**good_answers(), "municipality": town.pk, "age_band": "0-2"})
    assert response.status_code == 200
    assert "Grazie per le tue risposte" in response.content.decode()
    stored = Response.objects.get()
    assert stored.submitted_on == timezone.localdate()
    assert (stored.municipality, stored.age_band) == (town, "0-2")
    by_code = {}
    for answer in Answer.objects.select_related("question"):
        by_code.setdefault(answer.question.code, []).append(answer)
    assert sorted(a.choice for a in by_code["Q3"]) == ["Madre", "Nonni"]
    assert str(by_code["Q4"][0].number) == "38.50"
    assert "Q6" not in by_code  # left empty, optional


@pytest.mark.django_db
def test_a_missing_required_answer_is_400_with_the_question_named_and_nothing_saved(client):
    make_survey()
    response = client.post(URL, good_answers(q_Q3=[]))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Rispondi alla domanda «Chi si occupa dei figli?»: è obbligatoria." in body
    assert 'value="Un nido aperto il sabato"' in body  # what was typed is kept
    assert not Response.objects.exists() and not Answer.objects.exists()


@pytest.mark.django_db
def test_skip_logic_is_applied_on_the_server(client):
    make_survey()
    response = client.post(URL, good_answers(q_Q1="No", q_Q2="5"))
    assert response.status_code == 200
    assert not Answer.objects.filter(question__code="Q2").exists()


@pytest.mark.django_db
def test_an_unknown_municipality_is_refused(client):
    make_survey()
    response = client.post(URL, {**good_answers(), "municipality": "999999"})
    assert response.status_code == 400
    assert not Response.objects.exists()


@pytest.mark.django_db
def test_a_closed_questionnaire_answers_410_with_a_message(client):
    now = timezone.now()
    make_survey(opens_at=now - timedelta(days=10), closes_at=now - timedelta(days=1))
    for response in (client.get(URL), client.post(URL, good_answers())):
        assert response.status_code == 410
        assert "Il questionario è chiuso" in response.content.decode()
    assert not Response.objects.exists()


@pytest.mark.django_db
def test_drafts_and_questionnaires_not_yet_open_are_not_found(client):
    make_survey(status=Survey.Status.DRAFT)
    assert client.get(URL).status_code == 404
    make_survey(slug="futuro", opens_at=timezone.now() + timedelta(days=2))
    response = client.get("/questionari/futuro/")
    assert response.status_code == 404
    assert "non è ancora aperto" in response.content.decode()


@pytest.mark.django_db
def test_an_invited_questionnaire_needs_the_personal_link(client):
    make_survey(audience=Survey.Audience.INVITED)
    response = client.post(URL, good_answers())
    assert response.status_code == 403
    assert "solo su invito" in response.content.decode()
    assert not Response.objects.exists()


@pytest.mark.django_db
def test_an_invitation_link_answers_once(client):
    survey = make_survey(audience=Survey.Audience.INVITED)
    token = _invite(survey)
    url = f"/questionari/invito/{token}/"
    assert client.get(url).status_code == 200
    assert client.post(url, good_answers()).status_code == 200
    again = client.post(url, good_answers())
    assert again.status_code == 410
    assert "Questo invito è già stato usato" in again.content.decode()
    assert client.get(url).status_code == 410
    assert Response.objects.count() == 1
    assert client.get("/questionari/invito/non-valido/").status_code == 404


@pytest.mark.django_db
def test_the_service_refuses_a_used_invitation_and_writes_nothing():
    survey = make_survey(audience=Survey.Audience.INVITED)
    token = _invite(survey)
    services.response_submit(survey=survey, answers=[], invitation_token=token)
    with pytest.raises(services.InvitationUsed):
        services.response_submit(survey=survey, answers=[], invitation_token=token)
    assert Response.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_answers_on_one_invitation_store_one_response():
    survey = make_survey(audience=Survey.Audience.INVITED)
    token = _invite(survey)
    outcomes, barrier = [], threading.Barrier(2)

    def answer():
        try:
            barrier.wait()
            services.response_submit(survey=survey, answers=[], invitation_token=token)
            outcomes.append("ok")
        except services.InvitationUsed:
            outcomes.append("used")
        finally:
            connection.close()

    threads = [threading.Thread(target=answer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "used"]
    assert Response.objects.filter(survey=survey).count() == 1


@pytest.mark.django_db
def test_a_bot_filling_the_honeypot_is_thanked_and_nothing_is_stored(client):
    make_survey()
    body = client.get(URL).content.decode()
    assert 'class="hub-hp"' in body
    response = client.post(URL, {**good_answers(), "homepage": "http://spam.example"})
    assert response.status_code == 200
    assert not Response.objects.exists()


@pytest.mark.django_db
def test_a_flood_of_answers_from_one_address_is_refused_with_429(client, settings):
    settings.HUB_PUBLIC_FORM_RATES = {**settings.HUB_PUBLIC_FORM_RATES, "address": "2/10m"}
    make_survey()
    assert client.post(URL, good_answers(q_Q3=[])).status_code == 400  # corrections don't count
    assert client.post(URL, good_answers()).status_code == 200
    assert client.post(URL, good_answers()).status_code == 200
    assert client.post(URL, good_answers()).status_code == 429
    assert Response.objects.count() == 2
