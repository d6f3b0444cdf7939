"""@mentions in comments, on plain values.

A mention is written `@Name`, where Name is how the table shows one of its members (their
name, or the first part of their e-mail address when they gave none). The longest name
after an `@` wins, so "@Anna Maria" mentions Anna Maria, not Anna. Matching ignores case.
"""

from __future__ import annotations

from collections.abc import Mapping


def display_name(full_name: str, email: str) -> str:
    return full_name.strip() or email.split("@", 1)[0]


def mentioned(text: str, names: Mapping[str, int]) -> set[int]:
    """The ids of the people `text` mentions, from `names` (display name → id)."""
    by_length = sorted(
        ((name.casefold(), person) for name, person in names.items() if name.strip()),
        key=lambda entry: -len(entry[0]),
    )
    folded = text.casefold()
    found: set[int] = set()
    start = folded.find("@")
    while start != -1:
        rest = folded[start + 1 :]
        for name, person in by_length:
            if rest.startswith(name) and (
                len(rest) == len(name) or not (rest[len(name)].isalnum() or rest[len(name)] == "_")
            ):
                found.add(person)
                break
        start = folded.find("@", start + 1)
    return found
