"""Meilisearch filter expressions, built from values that are always quoted and escaped.

A value people chose ("Sant'Antonino di Susa", a name with a double quote or a backslash,
anything typed into a URL) never becomes filter syntax: every string is written between
double quotes with its backslashes and double quotes escaped, so no value can close its
quotes, add a condition or make the expression invalid. Numbers are written by Python.

An expression is a list of conditions that must all hold (Meilisearch's array form); the
visibility condition is always one of them.
"""

from __future__ import annotations

from collections.abc import Sequence

from search.query import SearchQuery

FILTERABLE = {"kind", "municipality", "area", "age_bands", "free", "visible_to"}


def quoted(value: str) -> str:
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def any_of(attribute: str, values: Sequence[str]) -> str:
    if attribute not in FILTERABLE:
        raise ValueError(f"not a filterable attribute: {attribute}")
    if attribute == "free":
        # A boolean: written as the literal, not as a string.
        return " OR ".join(f"free = {'true' if value == 'true' else 'false'}" for value in values)
    return f"{attribute} IN [{', '.join(quoted(value) for value in values)}]"


def conditions(
    query: SearchQuery, scopes: Sequence[str], *, without: str | None = None
) -> list[str]:
    """Every condition of the query (but the facet `without`, for its disjunctive counts),
    and the visibility condition."""
    found = [any_of("visible_to", scopes)]
    for facet, values in query.filters.items():
        if facet != without and values:
            found.append(any_of(facet, values))
    window = query.timestamp_range()
    if window is not None:
        start, end = window
        found.append(f"dates {int(start)} TO {int(end)}")
    return found
