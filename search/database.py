"""The database engine: the unified documents in the hub's own database (search.models).

Plain Django over one table, the same on SQLite and PostgreSQL: a query's words are
matched against each document's folded words (search.text) with LIKE, whole words, the
last one also as a word's start; no typo tolerance. Facet filters and the visibility
filter are EXISTS over the facet values; counts are GROUP BY over them, one query for the
facets nobody filtered on and one per filtered facet (disjunctive counts: a facet's
counts ignore its own filter), so a search is a fixed number of queries whatever the data.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection, transaction
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, QuerySet, Value, When
from django.db.models.functions import StrIndex
from django.utils import timezone

from search import text
from search.documents import FACET_FIELDS, facet_values
from search.models import SearchDate, SearchDocument, SearchFacetValue
from search.query import MAX_HITS, Hit, SearchQuery, SearchResult
from search.query import facet_values as ordered_facet_values

BATCH = 500


class DatabaseEngine:
    name = "database"

    def ping(self) -> None:
        SearchDocument.objects.exists()

    def search(self, query: SearchQuery, scopes: Sequence[str]) -> SearchResult:
        terms = query.terms
        matching = _matching(query, scopes, terms)
        total = matching[: MAX_HITS + 1].count() if not query.beyond_hits else 0
        total = min(total, MAX_HITS)
        hits: tuple[Hit, ...] = ()
        if total and not query.beyond_hits:
            rows = _ordered(matching, query, terms).values_list("id", "record")[
                query.offset : query.offset + query.per_page
            ]
            hits = tuple(
                Hit(
                    id=doc_id,
                    kind=record["kind"],
                    title=text.highlight(record["title"], terms),
                    snippet=text.crop(record.get("text", ""), terms),
                    record=record,
                )
                for doc_id, record in rows
            )
        facets = _facets(query, scopes, terms, matching) if query.with_facets else {}
        return SearchResult(query=query, hits=hits, total=total, facets=facets)


def _with_value(facet: str, values: Iterable[str]):
    return Exists(
        SearchFacetValue.objects.filter(document=OuterRef("pk"), facet=facet, value__in=values)
    )


def _matching(
    query: SearchQuery, scopes: Sequence[str], terms: list[str], *, without: str | None = None
) -> QuerySet[SearchDocument]:
    documents = SearchDocument.objects.filter(_with_value("visible_to", scopes))
    if terms:
        *whole, last = terms
        # INSTR on SQLite, STRPOS on PostgreSQL: a plain substring search, several times
        # faster than LIKE (which folds case, needlessly: the words are folded already).
        needles = [f" {term} " for term in whole] + [f" {last}"]
        for number, needle in enumerate(needles):
            documents = documents.alias(
                **{f"at_{number}": StrIndex("words", Value(needle))}
            ).filter(**{f"at_{number}__gt": 0})
    for facet, values in query.filters.items():
        if facet != without and values:
            documents = documents.filter(_with_value(facet, values))
    window = query.timestamp_range()
    if window is not None:
        start, end = window
        documents = documents.filter(
            Exists(SearchDate.objects.filter(document=OuterRef("pk"), at__gte=start, at__lte=end))
        )
    return documents


def _ordered(documents: QuerySet, query: SearchQuery, terms: list[str]) -> QuerySet:
    if query.sort == "date":
        return documents.order_by(F("date_start").asc(nulls_last=True), "title", "id")
    if not terms:
        return documents.order_by("title", "id")
    # Relevance: the documents with more of the words in their title first.
    in_title = sum(
        (
            Case(
                When(title_words__contains=f" {term}", then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
            for term in terms
        ),
        Value(0),
    )
    return documents.annotate(in_title=in_title).order_by(
        "-in_title", F("date_start").asc(nulls_last=True), "title", "id"
    )


def _counts(documents: QuerySet, facets: Sequence[str]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {facet: {} for facet in facets}
    rows = (
        SearchFacetValue.objects.filter(facet__in=facets, document__in=documents.values("pk"))
        .values_list("facet", "value")
        .annotate(number=Count("pk"))
        .order_by()
    )
    for facet, value, number in rows:
        counts[facet][value] = number
    return counts


def _facets(query, scopes, terms, matching) -> dict:
    selected = [facet for facet in FACET_FIELDS if query.filters.get(facet)]
    others = [facet for facet in FACET_FIELDS if facet not in selected]
    counts = _counts(matching, others) if others else {}
    for facet in selected:
        counts.update(_counts(_matching(query, scopes, terms, without=facet), [facet]))
    return {
        facet: ordered_facet_values(counts.get(facet, {}), query.filters.get(facet, ()))
        for facet in FACET_FIELDS
    }


# --- Writing ----------------------------------------------------------------------------------


def _rows(records: Sequence[dict]):
    now = timezone.now()
    documents, values, dates = [], [], []
    for record in records:
        documents.append(
            SearchDocument(
                id=record["id"],
                kind=record["kind"],
                title=record["title"],
                record=record,
                checksum=record["checksum"],
                title_words=text.words(record["title"]),
                words=text.words(
                    " ".join(
                        [
                            record["title"],
                            record.get("subtitle", ""),
                            *record.get("municipality", []),
                            *record.get("area", []),
                            *record.get("age_bands", []),
                            record.get("text", ""),
                        ]
                    )
                ),
                date_start=record.get("date_start"),
                updated_at=now,
            )
        )
        for facet in (*FACET_FIELDS, "visible_to"):
            for value in dict.fromkeys(facet_values(record, facet)):
                values.append(
                    SearchFacetValue(document_id=record["id"], facet=facet, value=value[:200])
                )
        dates.extend(
            SearchDate(document_id=record["id"], at=moment)
            for moment in dict.fromkeys(record.get("dates", []))
        )
    return documents, values, dates


def write(records: Sequence[dict], delete_ids: Sequence[str] = (), *, fresh: bool = False) -> None:
    """Store `records` (replacing the documents with their ids) and remove `delete_ids`.
    `fresh`: the table holds none of them (a rebuild), nothing to replace."""
    with transaction.atomic():
        for start in range(0, len(delete_ids), BATCH):
            SearchDocument.objects.filter(pk__in=delete_ids[start : start + BATCH]).delete()
        for start in range(0, len(records), BATCH):
            batch = records[start : start + BATCH]
            ids = [record["id"] for record in batch]
            documents, values, dates = _rows(batch)
            if fresh:
                _insert(documents, values, dates)
                continue
            SearchFacetValue.objects.filter(document_id__in=ids).delete()
            SearchDate.objects.filter(document_id__in=ids).delete()
            SearchDocument.objects.bulk_create(
                documents,
                update_conflicts=True,
                unique_fields=["id"],
                update_fields=[
                    "kind",
                    "title",
                    "record",
                    "checksum",
                    "title_words",
                    "words",
                    "date_start",
                    "updated_at",
                ],
            )
            SearchFacetValue.objects.bulk_create(values, ignore_conflicts=True)
            SearchDate.objects.bulk_create(dates)


def _insert(documents, values, dates) -> None:
    """Plain INSERTs of new rows (executemany): a rebuild writes a hundred thousand facet
    values, and bulk_create spends most of its time preparing each row in Python."""
    document_fields = [
        SearchDocument._meta.get_field(name)
        for name in (
            "id", "kind", "title", "record", "checksum", "title_words", "words",
            "date_start", "updated_at",
        )
    ]  # fmt: skip
    with connection.cursor() as cursor:
        for model, fields, rows in (
            (SearchDocument, document_fields, documents),
            (
                SearchFacetValue,
                [SearchFacetValue._meta.get_field(n) for n in ("document", "facet", "value")],
                values,
            ),
            (SearchDate, [SearchDate._meta.get_field(n) for n in ("document", "at")], dates),
        ):
            if not rows:
                continue
            columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
            placeholders = ", ".join(["%s"] * len(fields))
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",  # noqa: S608 (names from the models)
                [
                    [
                        field.get_db_prep_save(getattr(row, field.attname), connection)
                        for field in fields
                    ]
                    for row in rows
                ],
            )


def replace_all(records: Sequence[dict]) -> None:
    """Every document replaced by `records`, at once for every reader (one transaction)."""
    with transaction.atomic(), connection.cursor() as cursor:
        # Plain DELETEs: Django's delete() would first load every document (to cascade).
        for model in (SearchDate, SearchFacetValue, SearchDocument):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608 (table names from the models)
        write(records, fresh=True)


def checksums() -> dict[str, str]:
    return dict(SearchDocument.objects.values_list("id", "checksum"))


def records(ids: Sequence[str]) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for start in range(0, len(ids), BATCH):
        found.update(
            SearchDocument.objects.filter(pk__in=ids[start : start + BATCH]).values_list(
                "id", "record"
            )
        )
    return found


def all_records(*, batch: int = 1000) -> Iterable[list[dict]]:
    """Every stored record, in batches (by id)."""
    last = ""
    while True:
        rows = list(
            SearchDocument.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("id", "record")[:batch]
        )
        if not rows:
            return
        yield [record for _id, record in rows]
        last = rows[-1][0]


def count() -> int:
    return SearchDocument.objects.count()
