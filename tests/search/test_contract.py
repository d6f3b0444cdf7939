"""The search contract, run against both engines: the same documents, the same queries, the
same hits, the same permission outcomes and the same facet counts (Italian words, place
names with apostrophes, private documents, date ranges, disjunctive facets, pages, sorting,
escaped snippets). Only what the database engine does not promise is left out: typos."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from search import selectors
from search.query import parse
from tests.hub.factories import UserFactory
from tests.search.conftest import SCOPES, put, remove, rome, sample

pytestmark = pytest.mark.django_db

ORBASSANO = "Orbassano"
SANT_ANTONINO = "Sant'Antonino di Susa"
# A name with a double quote and a backslash: nothing a person types may break a filter.
ODD_PLACE = 'Borgo "Nuovo" \\ Est'

CORPUS = [
    sample(
        "testnote",
        1,
        "Scuola dell'infanzia Rodari: porte aperte",
        text="Le maestre presentano la scuola alle famiglie.",
        municipality=(ORBASSANO,),
        area=("Comunità educante",),
        age_bands=("3–5 anni",),
        free=True,
        dates=(rome(2027, 3, 10, 17),),
    ),
    sample(
        "testevent",
        2,
        "Laboratorio bici per bambini",
        text="Impariamo a riparare la bicicletta, con la ciclofficina del quartiere.",
        municipality=(ORBASSANO,),
        area=("Ambiente e sport",),
        age_bands=("6–10 anni",),
        free=True,
        dates=(rome(2027, 4, 5, 15),),
    ),
    sample(
        "testevent",
        3,
        "Festa di primavera a Forlì",
        text="Giochi in piazza per tutta la famiglia.",
        municipality=("Forlì",),
        area=("Comunità educante",),
        free=False,
        dates=(rome(2027, 3, 21, 10), rome(2027, 5, 2, 10)),
    ),
    sample(
        "testnote",
        4,
        "Corso di nuoto",
        text="In piscina comunale, il sabato mattina.",
        municipality=(SANT_ANTONINO,),
        area=("Ambiente e sport",),
        age_bands=("6–10 anni",),
        free=False,
    ),
    sample(
        "testnote",
        5,
        "Sportello famiglie",
        text="Informazioni su bonus e servizi.",
        municipality=(SANT_ANTONINO, ORBASSANO),
        area=("Welfare territoriale",),
        free=True,
    ),
    sample(
        "testnote",
        6,
        "Incontri di quartiere",
        text="Ogni mese in biblioteca.",
        municipality=(ODD_PLACE,),
        area=("Governance",),
    ),
    sample(
        "testnote",
        7,
        "Proposta riservata: bici per tutti",
        text="Un laboratorio bici per il tavolo.",
        municipality=("Segreta",),
        area=("Governance",),
        visible_to=("table:12",),
    ),
    sample(
        "testnote",
        8,
        "Mele renette",
        text="Cassetta da 10 kg.",
        municipality=(ORBASSANO,),
        area=("Misure economiche",),
        visible_to=("group:7",),
        dates=(rome(2027, 3, 12, 20),),
    ),
    sample(
        "testevent",
        9,
        "<script>alert(1)</script> Laboratorio di teatro",
        text="Un laboratorio <b>teatrale</b> & musica per ragazzi.",
        municipality=("Bruino",),
        area=("Comunicazione",),
        dates=(rome(2027, 6, 1, 18),),
    ),
]


@pytest.fixture
def corpus(engine):
    put(*CORPUS)
    return engine


@pytest.fixture
def table_member(db):
    user = UserFactory()
    SCOPES[user.pk] = ["table:12"]
    return user


def ask(user=None, **params):
    return selectors.search(parse(params), user=user or AnonymousUser())


def ids(result) -> list[int]:
    return [int(hit.record["object_id"]) for hit in result.hits]


def counts(result, facet: str) -> dict[str, int]:
    return {item.value: item.count for item in result.facets[facet]}


# --- Words ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("infanzia", {1}),
        ("dell'infanzia", {1}),
        ("Scuola dell'Infanzia", {1}),
        ("forli", {3}),
        ("Forlì", {3}),
        ("FORLI", {3}),
        ("laboratorio", {2, 9}),
        ("laboratorio bici per bambini a Orbassano", {2}),
        ("bicicletta", {2}),
        ("sportello", {5}),
        ("spor", {2, 4, 5}),
        ("teatro", {9}),
        ("nessuna parola simile", set()),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_words_find_the_same_documents(corpus, words, expected):
    result = ask(q=words)
    assert set(ids(result)) == expected
    assert result.total == len(expected)
    assert result.degraded is False


def test_a_query_of_stop_words_alone_asks_for_nothing_and_finds_everything_visible(corpus):
    assert ask(q="di a la").total == ask().total == 7


# --- Who sees what ----------------------------------------------------------------------------


def test_private_documents_are_in_neither_hits_nor_facet_counts_for_others(corpus):
    result = ask(q="bici")
    assert ids(result) == [2]
    everything = ask()
    assert 7 not in ids(everything) and 8 not in ids(everything)
    assert "Segreta" not in counts(everything, "municipality")
    assert counts(everything, "municipality")[ORBASSANO] == 3  # 1, 2, 5; not the GAF's 8
    assert counts(everything, "area").get("Governance") == 1  # 6; not the table's 7
    assert counts(everything, "kind") == {"testnote": 4, "testevent": 3}
    # Asking for the private document's own facet value finds nothing either.
    assert ask(comune="Segreta").total == 0
    assert counts(ask(comune="Segreta"), "municipality") == {
        **counts(everything, "municipality"),
        "Segreta": 0,
    }


def test_a_member_finds_the_private_document_in_hits_and_counts(corpus, table_member):
    result = ask(table_member, q="bici")
    assert set(ids(result)) == {2, 7}
    everything = ask(table_member)
    assert counts(everything, "municipality")["Segreta"] == 1
    assert counts(everything, "area")["Governance"] == 2
    # Another scope's document stays hidden from the table's member.
    assert 8 not in ids(ask(table_member, q="mele"))


def test_anonymous_and_signed_in_without_scopes_see_the_same(corpus):
    stranger = UserFactory()
    assert ids(ask(stranger)) == ids(ask())
    assert counts(ask(stranger), "municipality") == counts(ask(), "municipality")


# --- Facets -----------------------------------------------------------------------------------


def test_filter_values_with_apostrophes_quotes_and_backslashes(corpus):
    assert set(ids(ask(comune=SANT_ANTONINO))) == {4, 5}
    assert set(ids(ask(comune=ODD_PLACE))) == {6}
    assert set(ids(ask(q="corso", comune=SANT_ANTONINO))) == {4}
    # A value that would close the quotes and add a condition is just an unknown value.
    assert ask(comune='Orbassano" OR visible_to = "table:12').total == 0
    assert ask(comune="Sant'Antonino").total == 0


def test_or_within_a_facet_and_across_facets_with_disjunctive_counts(corpus):
    one = ask(comune=ORBASSANO)
    assert set(ids(one)) == {1, 2, 5}
    # The municipality counts ignore the municipality filter: what ticking another would add.
    assert counts(one, "municipality") == counts(ask(), "municipality")
    assert counts(one, "area") == {
        "Comunità educante": 1,
        "Ambiente e sport": 1,
        "Welfare territoriale": 1,
    }
    two = ask(comune=[ORBASSANO, "Forlì"])
    assert set(ids(two)) == {1, 2, 3, 5}
    both = ask(comune=[ORBASSANO, "Forlì"], area="Ambiente e sport")
    assert ids(both) == [2]
    # Each facet's counts keep every other facet's filter.
    assert counts(both, "area") == {
        "Comunità educante": 2,
        "Ambiente e sport": 1,
        "Welfare territoriale": 1,
    }
    # A ticked value that nothing matches any more is still listed (with 0) to untick it.
    assert counts(both, "municipality") == {ORBASSANO: 1, SANT_ANTONINO: 1, "Forlì": 0}
    assert {item.value for item in both.facets["municipality"] if item.selected} == {
        "Forlì",
        ORBASSANO,
    }


def test_kind_free_and_age_band_facets(corpus):
    assert set(ids(ask(tipo="testevent"))) == {2, 3, 9}
    assert set(ids(ask(tipo=["testevent", "testnote"], gratis="1"))) == {1, 2, 5}
    free = ask(gratis="1")
    assert counts(free, "free") == {"true": 3, "false": 2}
    assert counts(free, "kind") == {"testnote": 2, "testevent": 1}
    assert set(ids(ask(eta="6–10 anni"))) == {2, 4}


def test_unknown_facet_values_give_an_empty_answer(corpus):
    result = ask(tipo="nessuno", comune="Atlantide")
    assert result.total == 0 and result.hits == ()
    assert [(item.value, item.count) for item in result.facets["kind"] if item.selected] == [
        ("nessuno", 0)
    ]


# --- Dates, pages, sorting --------------------------------------------------------------------


def test_date_ranges_match_any_date_of_a_document(corpus):
    assert set(ids(ask(dal="2027-03-15", al="2027-03-31"))) == {3}
    assert set(ids(ask(dal="2027-04-01"))) == {2, 3, 9}
    assert set(ids(ask(al="2027-03-10"))) == {1}
    # The last day counts whole (Europe/Rome): the event at 18:00 on 1 June.
    assert set(ids(ask(dal="2027-06-01", al="2027-06-01"))) == {9}
    assert ask(dal="2027-07-01").total == 0
    # Undated documents are left out by any date range.
    assert 4 not in ids(ask(dal="2000-01-01"))


def test_sorting_by_date_puts_the_next_date_first_and_undated_last(corpus):
    result = ask(ordina="data")
    assert ids(result)[:4] == [1, 3, 2, 9]
    assert set(ids(result)[4:]) == {4, 5, 6}


def test_pages(corpus):
    first = selectors.search(parse({"pagina": "1"}, per_page=3), user=AnonymousUser())
    second = selectors.search(parse({"pagina": "2"}, per_page=3), user=AnonymousUser())
    third = selectors.search(parse({"pagina": "3"}, per_page=3), user=AnonymousUser())
    beyond = selectors.search(parse({"pagina": "9"}, per_page=3), user=AnonymousUser())
    assert first.total == second.total == third.total == beyond.total == 7
    assert first.num_pages == 3
    seen = ids(first) + ids(second) + ids(third)
    assert len(seen) == 7 and set(seen) == {1, 2, 3, 4, 5, 6, 9}
    assert beyond.hits == ()


# --- Snippets ---------------------------------------------------------------------------------


def test_highlights_are_escaped_and_marked(corpus):
    from search.text import parts_as_html

    (hit,) = ask(q="laboratorio", tipo="testevent", comune="Bruino").hits
    title = parts_as_html(hit.title)
    snippet = parts_as_html(hit.snippet)
    assert "<script>" not in title and "&lt;script&gt;" in title
    assert "<mark>Laboratorio</mark>" in title
    assert "<mark>laboratorio</mark>" in snippet
    assert "&lt;b&gt;teatrale&lt;/b&gt; &amp; musica" in snippet


def test_snippets_are_cropped_around_the_match(corpus):
    long_text = " ".join(["parola"] * 200 + ["ciclofficina"] + ["fine"] * 200)
    put(sample("testnote", 20, "Documento lungo", text=long_text))
    (hit,) = ask(q="ciclofficina", tipo="testnote").hits
    words = "".join(piece for piece, _ in hit.snippet).split()
    assert len(words) <= 30
    assert any(matched and piece == "ciclofficina" for piece, matched in hit.snippet)


# --- Changes ----------------------------------------------------------------------------------


def test_a_changed_or_removed_document_is_found_as_it_is_now(corpus):
    put(sample("testnote", 4, "Corso di acquaticità", municipality=(SANT_ANTONINO,)))
    assert ids(ask(q="piscina")) == []
    assert ids(ask(q="acquaticità")) == [4]
    remove(CORPUS[1])
    assert ids(ask(q="bicicletta")) == []
    assert counts(ask(), "municipality")[ORBASSANO] == 2
