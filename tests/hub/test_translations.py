"""The English catalog: complete, not fuzzy, compiled, and used by the pages.

The hub's msgids are Italian; hub/locale/en/LC_MESSAGES/django.po gives the English. The
catalog is parsed here with the standard library only.
"""

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

CATALOG_DIR = Path(settings.BASE_DIR) / "hub" / "locale" / "en" / "LC_MESSAGES"
PO_PATH = CATALOG_DIR / "django.po"
MO_PATH = CATALOG_DIR / "django.mo"

PLACEHOLDER = re.compile(r"%\([^)]+\)[sdif]|\{\{.*?\}\}")
KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")\s*$")


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    def __str__(self) -> str:
        return f"django.po:{self.line} {self.msgid!r}"


def parse_po(path: Path) -> list[Entry]:
    """Entries of a PO file: msgctxt, msgid, msgid_plural, msgstr or msgstr[n], flags.

    Strings may continue over several quoted lines; obsolete entries (#~) are skipped.
    A plain msgstr is stored as msgstr[0].
    """
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int | None] | None = None  # the field that continuation lines extend

    def unquote(literal: str) -> str:
        return ast.literal_eval(literal)  # a PO string is a valid Python string literal

    def append(text: str) -> None:
        name, index = target
        if name == "msgstr":
            entry.msgstr[index] += text
        else:
            setattr(entry, name, getattr(entry, name) + text)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            entry, target = None, None
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#"):
            if entry is None or target is not None:
                entry, target = Entry(line=number), None
                entries.append(entry)
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith('"'):
            assert target is not None, f"django.po:{number}: continuation line without a field"
            append(unquote(line))
            continue
        match = KEYWORD.match(line)
        assert match, f"django.po:{number}: cannot parse {raw!r}"
        keyword, literal = match.groups()
        if keyword in ("msgctxt", "msgid") and (entry is None or entry.msgstr):
            # A new entry starts (no comments before it, or none separated it by a blank line).
            entry = Entry(line=number)
            entries.append(entry)
        if keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if "[" in keyword else 0
            entry.msgstr[index] = unquote(literal)
            target = ("msgstr", index)
        else:
            setattr(entry, keyword, unquote(literal))
            target = (keyword, None)
    return [e for e in entries if e.msgstr or e.msgid]


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return parse_po(PO_PATH)


@pytest.fixture(scope="module")
def messages(entries) -> list[Entry]:
    return [e for e in entries if not e.is_header]


def test_catalog_header_is_english(entries):
    [header] = [e for e in entries if e.is_header]
    assert "fuzzy" not in header.flags
    assert "Language: en\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in header.msgstr[0]


def test_every_entry_is_translated_and_not_fuzzy(messages):
    assert len(messages) > 100  # the parser found the catalog's entries
    fuzzy = [str(e) for e in messages if "fuzzy" in e.flags]
    assert not fuzzy, f"fuzzy entries: {fuzzy}"
    expected_forms = {0, 1}
    wrong_forms = [str(e) for e in messages if e.msgid_plural and set(e.msgstr) != expected_forms]
    assert not wrong_forms, f"plural entries without exactly two forms: {wrong_forms}"
    empty = [str(e) for e in messages if not all(e.msgstr.values())]
    assert not empty, f"untranslated entries: {empty}"


def test_translations_keep_the_placeholders(messages):
    def placeholders(text: str) -> set[str]:
        return set(PLACEHOLDER.findall(text))

    def source(entry, index) -> str:
        # A plural's other forms follow msgid_plural, which may name the count.
        if entry.msgid_plural is not None and index != 0:
            return entry.msgid_plural
        return entry.msgid

    broken = [
        str(e)
        for e in messages
        for index, form in e.msgstr.items()
        if placeholders(form) != placeholders(source(e, index))
    ]
    assert not broken, f"placeholders changed: {broken}"


def test_compiled_catalog_matches_the_po(messages):
    """Every msgid, looked up in the .mo, gives the .po's msgstr: the .mo is not stale."""
    with MO_PATH.open("rb") as mo:
        catalog = gettext.GNUTranslations(mo)
    assert catalog.info().get("language") == "en"
    stale = []
    for e in messages:
        if e.msgid_plural is not None:
            for n, index in ((1, 0), (2, 1)):
                if e.msgctxt is None:
                    got = catalog.ngettext(e.msgid, e.msgid_plural, n)
                else:
                    got = catalog.npgettext(e.msgctxt, e.msgid, e.msgid_plural, n)
                if got != e.msgstr[index]:
                    stale.append(f"{e} [{index}]: {got!r} != {e.msgstr[index]!r}")
        else:
            if e.msgctxt is None:
                got = catalog.gettext(e.msgid)
            else:
                got = catalog.pgettext(e.msgctxt, e.msgid)
            if got != e.msgstr[0]:
                stale.append(f"{e}: {got!r} != {e.msgstr[0]!r}")
    assert not stale, "django.mo is out of date (run compilemessages):\n" + "\n".join(stale)


def test_parser_reads_continuations_plurals_and_flags(tmp_path):
    po = tmp_path / "sample.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        "#: a.py:1\n#, fuzzy, python-format\n"
        'msgid ""\n"Ciao "\n"%(name)s"\nmsgstr "Hi %(name)s"\n\n'
        '#, python-format\nmsgid "%(n)s comune"\nmsgid_plural "%(n)s comuni"\n'
        'msgstr[0] "%(n)s municipality"\nmsgstr[1] ""\n\n'
        'msgctxt "menu"\nmsgid "Esci"\nmsgstr "Log \\"out\\""\n\n'
        '#~ msgid "vecchio"\n#~ msgstr "old"\n',
        encoding="utf-8",
    )
    header, greeting, plural, contextual = parse_po(po)
    assert header.is_header and header.msgstr[0] == "Language: en\n"
    assert greeting.msgid == "Ciao %(name)s" and greeting.flags == {"fuzzy", "python-format"}
    assert plural.msgid_plural == "%(n)s comuni" and plural.msgstr == {
        0: "%(n)s municipality",
        1: "",
    }
    assert contextual.msgctxt == "menu" and contextual.msgstr[0] == 'Log "out"'


@pytest.mark.django_db
def test_login_page_speaks_english(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="en"' in html
    # The base template's footer and header, from the hub's own catalog.
    assert "Accessibility statement" in html
    assert "Privacy policy" in html
    assert "Skip to main content" in html
    assert "Dichiarazione di accessibilità" not in html
