"""The Meilisearch index as code: its name, primary key and settings.

`manage.py search_setup` applies them to the live index before any document is added;
`search_reindex` builds every fresh index with them. Changing them here and running
`search_setup` (or a reindex) is the only way they change.
"""

from __future__ import annotations

from search.query import MAX_HITS
from search.text import STOP_WORDS

PRIMARY_KEY = "id"


def index_name(prefix: str) -> str:
    return f"{prefix}-documents"


def build_index_name(prefix: str, suffix: str) -> str:
    return f"{prefix}-documents-build-{suffix}"


SETTINGS = {
    # In ranking order: a word in the title counts more than one in the place names, the
    # categories or the text.
    "searchableAttributes": ["title", "subtitle", "municipality", "area", "age_bands", "text"],
    "displayedAttributes": ["*"],
    "filterableAttributes": [
        "kind",
        "municipality",
        "area",
        "age_bands",
        "free",
        "visible_to",
        "dates",
        "date_start",
        "age_min",
        "age_max",
    ],
    "sortableAttributes": ["date_start", "title"],
    # "sort" first: sorting by date is sorting by date, relevance breaking ties (with no
    # sort asked for, the rule does nothing).
    "rankingRules": ["sort", "words", "typo", "proximity", "attribute", "exactness"],
    "stopWords": sorted(STOP_WORDS),
    # Italian for every attribute: words are segmented and normalized as Italian (accents
    # folded, elided articles split off: "infanzia" finds "dell'infanzia").
    "localizedAttributes": [{"attributePatterns": ["*"], "locales": ["ita"]}],
    # Meilisearch's defaults, written down: one typo from 5 letters, two from 9.
    "typoTolerance": {
        "enabled": True,
        "minWordSizeForTypos": {"oneTypo": 5, "twoTypos": 9},
    },
    "faceting": {"maxValuesPerFacet": 200, "sortFacetValuesBy": {"*": "count"}},
    "pagination": {"maxTotalHits": MAX_HITS},
}
