"""The search page, the header's box and the API, as people and programs use them: results
with facets, suggestions when nothing was asked or found, bad input answered 400 with a
message (never a 500, never a Meilisearch error), a fixed number of queries whatever the
amount of data, no inline script."""

from __future__ import annotations

import re

import pytest

from tests.hub.factories import UserFactory
from tests.search.conftest import SCOPES, put, sample

pytestmark = pytest.mark.django_db


@pytest.fixture
def documents(engine):
    put(
        sample(
            "testnote",
            1,
            "Scuola dell'infanzia <b>Rodari</b>",
            text="Porte aperte per le famiglie, sabato mattina.",
            municipality=("Sant'Antonino di Susa",),
            area=("Comunità educante",),
            free=True,
        ),
        sample("testevent", 2, "Festa dell'infanzia", municipality=("Bruino",), free=False),
        sample(
            "testnote",
            3,
            "Infanzia: verbale riservato",
            visible_to=("table:12",),
            municipality=("Segreta",),
        ),
    )
    return engine


def inline_scripts(html: str) -> list[str]:
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.DOTALL)
    return [attrs for attrs, body in scripts if body.strip() and "application/json" not in attrs]


def test_the_page_shows_hits_facets_and_no_inline_script(client, documents):
    response = client.get("/cerca/", {"q": "infanzia"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 risultati" in html
    assert "Scuola dell&#x27;<mark>infanzia</mark> &lt;b&gt;Rodari&lt;/b&gt;" in html
    assert "verbale riservato" not in html and "Segreta" not in html
    assert 'name="comune" value="Sant&#x27;Antonino di Susa"' in html
    assert "Note di prova" in html  # the kind's label, from the registry
    assert inline_scripts(html) == []
    assert not re.search(r"\son[a-z]+\s*=", html)
    assert '<script type="module" src="/static/hub/search-suggest.js" nonce="' in html


def test_a_member_sees_the_private_hit(client, documents):
    member = UserFactory()
    SCOPES[member.pk] = ["table:12"]
    client.force_login(member)
    html = client.get("/cerca/", {"q": "infanzia"}).content.decode()
    assert "3 risultati" in html and "verbale riservato" in html


def test_filters_apply_and_can_be_removed(client, documents):
    html = client.get(
        "/cerca/", {"q": "infanzia", "comune": "Sant'Antonino di Susa"}
    ).content.decode()
    assert "1 risultato" in html
    assert "Festa dell" not in html.split('id="results-title"')[1]
    # The active filter's chip removes it, keeping the words.
    assert 'href="?q=infanzia"' in html


def test_nothing_asked_shows_where_to_start(client, documents):
    html = client.get("/cerca/").content.decode()
    assert "Cosa cerchi?" in html
    assert "Note di prova (1)" in html and "Eventi di prova (1)" in html
    assert "Bruino (1)" in html


def test_nothing_found_suggests_what_to_do(client, documents):
    html = client.get("/cerca/", {"q": "astronomia", "comune": "Bruino"}).content.decode()
    assert "Nessun risultato per «astronomia»" in html
    assert 'href="?q=astronomia"' in html  # the same words without the filters


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"q": "x" * 201}, "q", "troppo lunga"),
        ({"pagina": "-1"}, "pagina", "intero da 1"),
        ({"pagina": "abc"}, "pagina", "intero da 1"),
        ({"pagina": "99999999"}, "pagina", "troppo grande"),
        ({"ordina": "prezzo"}, "ordina", "Ordinamento sconosciuto"),
        ({"dal": "2026-02-30"}, "dal", "Data non valida"),
        ({"dal": "2026-05-01", "al": "2026-04-01"}, "al", "prima di quella iniziale"),
        ({"gratis": "si"}, "gratis", "vale 1"),
        ({"comune": [f"Comune {n}" for n in range(21)]}, "comune", "Troppi valori"),
        ({"area": "a" * 201}, "area", "troppo lungo"),
    ],
    ids=[
        "long",
        "negative-page",
        "page-text",
        "huge-page",
        "sort",
        "date",
        "range",
        "free",
        "many",
        "long-value",
    ],
)
def test_bad_input_is_a_400_with_its_message(client, documents, params, field, message):
    page = client.get("/cerca/", params)
    assert page.status_code == 400
    assert message in page.content.decode()
    api_params = {("page" if name == "pagina" else name): value for name, value in params.items()}
    api = client.get("/api/v1/search/", api_params)
    assert api.status_code == 400
    error = api.json()["error"]
    assert error["code"] == "invalid"
    api_field = "page" if field == "pagina" else field
    assert message in " ".join(error["fields"][api_field])


@pytest.mark.parametrize("value", ["\x00", "a\x1fb", "\x7f"], ids=["nul", "unit-separator", "del"])
def test_control_characters_are_refused_before_any_engine(client, documents, value):
    assert client.get("/cerca/", {"q": value}).status_code == 400
    assert client.get("/cerca/", {"comune": value}).status_code == 400
    assert client.get("/api/v1/search/", {"q": value}).status_code == 400
    assert client.get("/api/v1/search/suggest/", {"q": value}).status_code == 400


@pytest.mark.parametrize(
    "words", ['"', "\\", "AND OR NOT", "visible_to = public", "*", "'; DROP TABLE", "«»—…"]
)
def test_odd_words_and_values_are_words_not_syntax(client, documents, words):
    page = client.get("/cerca/", {"q": words, "comune": words, "tipo": words})
    assert page.status_code == 200
    assert "0 risultati" in page.content.decode()
    api = client.get("/api/v1/search/", {"q": words, "area": words})
    assert api.status_code == 200 and api.json()["count"] == 0


def test_a_page_past_the_results_is_empty_not_an_error(client, documents):
    response = client.get("/api/v1/search/", {"q": "infanzia", "page": "50"})
    assert response.status_code == 200
    assert response.json()["results"] == [] and response.json()["count"] == 2
    assert client.get("/cerca/", {"q": "infanzia", "pagina": "50"}).status_code == 200


def test_the_api_answers_hits_facets_and_pages(client, documents):
    body = client.get("/api/v1/search/", {"q": "infanzia", "page_size": "1"}).json()
    assert body["count"] == 2 and body["num_pages"] == 2 and body["page_size"] == 1
    (hit,) = body["results"]
    assert set(hit) == {
        "id",
        "kind",
        "kind_label",
        "title",
        "title_html",
        "snippet_html",
        "url",
        "subtitle",
        "municipalities",
        "areas",
        "age_bands",
        "free",
        "date",
    }
    assert body["degraded"] is False
    kinds = {item["value"]: (item["label"], item["count"]) for item in body["facets"]["kind"]}
    assert kinds == {"testnote": ("Note di prova", 1), "testevent": ("Eventi di prova", 1)}
    assert client.get("/api/v1/search/", {"page_size": "51"}).status_code == 400


def test_suggestions_for_the_header_box(client, documents):
    body = client.get("/api/v1/search/suggest/", {"q": "infan"}).json()
    titles = {item["title"] for item in body["results"]}
    assert titles == {"Scuola dell'infanzia <b>Rodari</b>", "Festa dell'infanzia"}
    (festa,) = [item for item in body["results"] if item["title"] == "Festa dell'infanzia"]
    assert festa["title_parts"] == [["Festa dell'", False], ["infan", True], ["zia", False]]
    assert client.get("/api/v1/search/suggest/", {"q": ""}).json() == {"results": []}


def test_the_api_is_in_the_schema(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    assert "/api/v1/search/" in schema["paths"]
    assert "/api/v1/search/suggest/" in schema["paths"]
    names = {p["name"] for p in schema["paths"]["/api/v1/search/"]["get"]["parameters"]}
    assert {"q", "tipo", "comune", "area", "eta", "gratis", "dal", "al", "ordina", "page"} <= names


def test_every_page_has_the_header_search_box_but_the_search_page(client, db):
    home = client.get("/").content.decode()
    assert 'action="/cerca/"' in home and 'data-search-suggest="/api/v1/search/suggest/"' in home
    page = client.get("/cerca/").content.decode()
    assert page.count('data-search-suggest="/api/v1/search/suggest/"') == 1


def test_the_page_makes_as_many_queries_for_many_documents_as_for_few(
    client, engine, django_assert_max_num_queries
):
    put(
        *[
            sample("testnote", n, f"Iniziativa {n}", municipality=(f"Comune {n % 7}",))
            for n in range(3)
        ]
    )
    with django_assert_max_num_queries(12) as few:
        client.get("/cerca/", {"q": "iniziativa", "comune": "Comune 1"})
    put(
        *[
            sample("testnote", n, f"Iniziativa {n}", municipality=(f"Comune {n % 7}",))
            for n in range(60)
        ]
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/cerca/", {"q": "iniziativa", "comune": "Comune 1"})
