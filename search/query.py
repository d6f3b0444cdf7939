"""A search as people ask it (GET parameters), and its answer, whatever the engine.

Parameters, the same on the page and in the API (short Italian names, as the event
listings have): `q` the words; `tipo`, `comune`, `area`, `eta` facet values, each
repeatable (any of the values of one facet, all of the facets); `gratis=1` free only;
`dal` and `al` a range of days (Europe/Rome) in which the document has a date; `ordina`
`rilevanza` (default) or `data`; the page number (`pagina` on the page, `page` in the API).

Bad input is a `QueryError` naming each parameter with an Italian message (the page and
the API answer 400 with it): a query over MAX_QUERY_LENGTH characters, control characters,
too many or too long facet values, a date that is not one, a page that is not a positive
number. A facet value nobody uses is not an error: the answer is empty, as it is for
words nobody wrote.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from hub.validation import date_bounds_message, date_in_bounds, has_control_characters
from search import text

ROME = ZoneInfo("Europe/Rome")
MAX_QUERY_LENGTH = 200
MAX_VALUES_PER_FACET = 20
MAX_VALUE_LENGTH = 200
# Meilisearch counts hits exactly up to its maxTotalHits (search.index_settings): the
# pages beyond it would be empty on one engine and not on the other.
MAX_HITS = 1000
SORTS = {"rilevanza": "relevance", "data": "date"}

# facet field -> its GET parameter (free is the check box `gratis`)
FACET_PARAMETERS = {
    "kind": "tipo",
    "municipality": "comune",
    "area": "area",
    "age_bands": "eta",
    "free": "gratis",
}


class QueryError(ValueError):
    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{name}: {message}" for name, message in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    # facet field -> the values asked for (any of them)
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1
    per_page: int = 20
    sort: str = "relevance"
    with_facets: bool = True

    @property
    def terms(self) -> list[str]:
        return text.terms(self.text)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def beyond_hits(self) -> bool:
        """Whether the page starts past what an engine counts (an empty page)."""
        return self.offset >= MAX_HITS

    def timestamp_range(self) -> tuple[int, int] | None:
        """[dal 00:00, al 24:00) in Europe/Rome as Unix seconds, or None."""
        if self.date_from is None and self.date_to is None:
            return None
        start = datetime.combine(self.date_from or date(1970, 1, 2), time(), tzinfo=ROME)
        end_day = (self.date_to or date(9999, 12, 30)) + timedelta(days=1)
        end = datetime.combine(end_day, time(), tzinfo=ROME)
        return int(start.timestamp()), int(end.timestamp()) - 1

    def is_blank(self) -> bool:
        """Nothing asked: no words, no filters (the page shows suggestions)."""
        return not self.terms and not any(self.filters.values()) and self.timestamp_range() is None


def _one(params, name: str) -> str:
    values = params.getlist(name) if hasattr(params, "getlist") else [params.get(name)]
    values = [value for value in values if value is not None]
    return values[-1] if values else ""


def _many(params, name: str) -> list[str]:
    if hasattr(params, "getlist"):
        values = params.getlist(name)
    else:
        value = params.get(name)
        values = value if isinstance(value, list | tuple) else [value] if value else []
    return [str(value) for value in values]


def _parse_day(raw: str, name: str, errors: dict[str, str]) -> date | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        errors[name] = _("Data non valida: usa il formato AAAA-MM-GG (es. 2026-03-14).")
        return None
    if not date_in_bounds(day):
        errors[name] = date_bounds_message()
        return None
    return day


def parse(
    params,
    *,
    page_parameter: str = "pagina",
    per_page: int = 20,
    with_facets: bool = True,
) -> SearchQuery:
    """A SearchQuery from GET parameters (a QueryDict or a plain mapping), or QueryError."""
    errors: dict[str, str] = {}

    query_text = _one(params, "q")
    if has_control_characters(query_text):
        errors["q"] = _("La ricerca contiene caratteri di controllo, che non sono ammessi.")
    elif len(query_text) > MAX_QUERY_LENGTH:
        errors["q"] = _("La ricerca è troppo lunga: al massimo %(max)d caratteri.") % {
            "max": MAX_QUERY_LENGTH
        }
    query_text = " ".join(query_text.split())

    filters: dict[str, tuple[str, ...]] = {}
    for facet, parameter in FACET_PARAMETERS.items():
        values = [" ".join(value.split()) for value in _many(params, parameter)]
        values = list(dict.fromkeys(value for value in values if value))
        if facet == "free":
            if not values or values == ["0"]:
                continue
            if values != ["1"]:
                errors[parameter] = _("Il filtro «gratis» vale 1 (solo gratuiti) o 0.")
                continue
            filters["free"] = ("true",)
            continue
        if len(values) > MAX_VALUES_PER_FACET:
            errors[parameter] = _("Troppi valori: al massimo %(max)d.") % {
                "max": MAX_VALUES_PER_FACET
            }
        elif any(len(value) > MAX_VALUE_LENGTH for value in values):
            errors[parameter] = _("Valore troppo lungo: al massimo %(max)d caratteri.") % {
                "max": MAX_VALUE_LENGTH
            }
        elif any(has_control_characters(value) for value in values):
            errors[parameter] = _(
                "Il valore contiene caratteri di controllo, che non sono ammessi."
            )
        elif values:
            filters[facet] = tuple(values)

    date_from = _parse_day(_one(params, "dal"), "dal", errors)
    date_to = _parse_day(_one(params, "al"), "al", errors)
    if date_from and date_to and date_to < date_from:
        errors["al"] = _("La data finale è prima di quella iniziale.")

    raw_page = _one(params, page_parameter).strip() or "1"
    page = 1
    if not raw_page.isascii() or not raw_page.isdigit() or int(raw_page) < 1:
        errors[page_parameter] = _("Il numero di pagina è un intero da 1 in su.")
    elif len(raw_page) > 6:
        errors[page_parameter] = _("Il numero di pagina è troppo grande.")
    else:
        page = int(raw_page)

    raw_sort = _one(params, "ordina").strip() or "rilevanza"
    sort = SORTS.get(raw_sort)
    if sort is None:
        errors["ordina"] = _("Ordinamento sconosciuto: usa «rilevanza» o «data».")

    if errors:
        raise QueryError(errors)
    return SearchQuery(
        text=query_text,
        filters=filters,
        date_from=date_from,
        date_to=date_to,
        page=page,
        per_page=per_page,
        sort=sort or "relevance",
        with_facets=with_facets,
    )


# --- The answer -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    id: str
    kind: str
    title: tuple[text.Part, ...]
    snippet: tuple[text.Part, ...]
    record: dict

    @property
    def url(self) -> str:
        return self.record.get("url", "")

    @property
    def date(self) -> datetime | None:
        timestamp = self.record.get("date_start")
        return datetime.fromtimestamp(timestamp, tz=ROME) if timestamp is not None else None


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int
    selected: bool


@dataclass(frozen=True)
class SearchResult:
    query: SearchQuery
    hits: tuple[Hit, ...]
    total: int
    # facet field -> its values, the most frequent first (the selected ones always there)
    facets: Mapping[str, tuple[FacetValue, ...]]
    # True when the answer comes from the database engine because Meilisearch could not
    # give it (no typo tolerance then).
    degraded: bool = False

    @property
    def num_pages(self) -> int:
        counted = min(self.total, MAX_HITS)
        return max(1, -(-counted // self.query.per_page))


def facet_values(
    counts: Mapping[str, int], selected: tuple[str, ...] = ()
) -> tuple[FacetValue, ...]:
    """Facet values from an engine's counts, most frequent first, then by name; a selected
    value nothing matches is still listed (with 0), so it can be unticked."""
    values = [
        FacetValue(value, count, value in selected) for value, count in counts.items() if count > 0
    ]
    values += [FacetValue(value, 0, True) for value in selected if not counts.get(value)]
    return tuple(sorted(values, key=lambda item: (-item.count, item.value.casefold(), item.value)))
