"""The households of a reform simulation as a CSV file: its template, its reading (every bad
row reported by row and column, in Italian) and a deterministic sample of the demo.

One household a row, anonymous: no name, no tax code, only what the computation needs.

    adulti;eta_figli;componenti_disabili;genitori_lavorano;ise;servizi
    2;3 7;0;si;18500,00;mensa nido

- `eta_figli`: the children's ages in whole years, separated by spaces (or "/", "-", ",");
  empty when there are none;
- `genitori_lavorano`: si/no (also sì, s, 1, vero, true; n, 0, falso, false);
- `ise`: euros, with a decimal comma or point; "12.345,67" (Italian grouping) is read too;
- `servizi`: the services the household uses (mensa, nido, trasporto, estivo), separated by
  spaces: a household counts in the simulation of the services it uses only.

The separator is ';' (as Excel writes CSV in Italy) or ','; the text is UTF-8, with or
without the BOM Excel adds. The reading is all or nothing: any bad row, and no household is
returned, only the errors (tariffs.simulation never sees a half-read file).
"""

from __future__ import annotations

import csv
import random
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from hub.csv_export import CsvWriter
from tariffs import indicators

MAX_BYTES = 4 * 1024 * 1024  # 4 MB: 50,000 rows of a typical file
MAX_ROWS = 50_000
MAX_ERRORS = 1000  # listed one by one; beyond them, only counted

COLUMNS = ("adulti", "eta_figli", "componenti_disabili", "genitori_lavorano", "ise", "servizi")
# The word a CSV uses for each service (tariffs.models.ServiceKind's values).
SERVICE_WORDS = {
    "mensa": "canteen",
    "nido": "nursery",
    "trasporto": "transport",
    "estivo": "summer",
}
YES = {"si", "sì", "s", "1", "vero", "true", "x"}
NO = {"no", "n", "0", "falso", "false", ""}
AGE_SEPARATORS = re.compile(r"[\s/,\-]+")
ITALIAN_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+(,\d+)?$")


@dataclass(frozen=True)
class HouseholdRow:
    household: indicators.Household
    services: frozenset[str]  # ServiceKind values


@dataclass(frozen=True)
class RowError:
    row: int  # as a spreadsheet numbers it: the header is row 1
    column: str  # the column's name; "" for the whole file or row
    message: str

    def __str__(self) -> str:
        if not self.row:
            return self.message
        if self.column:
            return _("Riga %(row)d, colonna «%(column)s»: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return _("Riga %(row)d: %(message)s") % {"row": self.row, "message": self.message}


class HouseholdsFileError(Exception):
    """The file cannot be used: `errors` says where and why (at most MAX_ERRORS of them,
    `total` counts them all)."""

    def __init__(self, errors: list[RowError], total: int | None = None):
        super().__init__(f"{len(errors)} errors")
        self.errors = errors[:MAX_ERRORS]
        self.total = len(errors) if total is None else total


def check_size(size: int) -> None:
    if size > MAX_BYTES:
        raise HouseholdsFileError(
            [
                RowError(
                    0,
                    "",
                    _("Il file supera %(mb)d MB: dividilo in più parti.")
                    % {"mb": MAX_BYTES // (1024 * 1024)},
                )
            ]
        )


def decode(data: bytes) -> str:
    check_size(len(data))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise HouseholdsFileError(
            [
                RowError(
                    line,
                    "",
                    _(
                        "il file non è in UTF-8: in Excel salvalo come «CSV UTF-8 (delimitato "
                        "da virgole)»."
                    ),
                )
            ]
        ) from None


def _delimiter(header_line: str) -> str:
    return ";" if header_line.count(";") >= header_line.count(",") else ","


def _integer(text: str, *, low: int, high: int) -> int:
    if not re.fullmatch(r"\d{1,3}", text):
        raise ValueError(
            _("serve un numero intero da %(low)d a %(high)d.") % {"low": low, "high": high}
        )
    value = int(text)
    if not low <= value <= high:
        raise ValueError(
            _("serve un numero intero da %(low)d a %(high)d.") % {"low": low, "high": high}
        )
    return value


def parse_amount(text: str) -> Decimal:
    """ "18500", "18500,50", "18500.50", "18.500,50" -> Decimal; ValueError otherwise."""
    text = text.replace("€", "").replace(" ", "").replace("\u00a0", "")
    if ITALIAN_GROUPED.match(text):
        text = text.replace(".", "").replace(",", ".")
    elif "," in text and "." not in text:
        text = text.replace(",", ".")
    if not re.fullmatch(r"\d+(\.\d{1,2})?", text):
        raise ValueError(_("serve un importo in euro, come 18500,50."))
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("serve un importo in euro, come 18500,50.")) from None
    if value > indicators.MAX_AMOUNT:
        raise ValueError(_("l'importo supera 100 milioni di euro."))
    return value


def _ages(text: str) -> tuple[int, ...]:
    parts = [part for part in AGE_SEPARATORS.split(text.strip()) if part]
    if len(parts) > indicators.MAX_MEMBERS:
        raise ValueError(_("al massimo %(n)d figli.") % {"n": indicators.MAX_MEMBERS})
    try:
        return tuple(_integer(part, low=0, high=120) for part in parts)
    except ValueError:
        raise ValueError(
            _("servono le età in anni (da 0 a 120), separate da spazi, es. «3 7».")
        ) from None


def _yes_no(text: str) -> bool:
    value = text.strip().lower()
    if value in YES:
        return True
    if value in NO:
        return False
    raise ValueError(_("serve «si» o «no»."))


def _services(text: str) -> frozenset[str]:
    words = [word for word in re.split(r"[\s,/]+", text.strip().lower()) if word]
    unknown = [word for word in words if word not in SERVICE_WORDS]
    if unknown:
        raise ValueError(
            _("servizio sconosciuto «%(word)s»: usa %(known)s.")
            % {"word": unknown[0], "known": ", ".join(SERVICE_WORDS)}
        )
    return frozenset(SERVICE_WORDS[word] for word in words)


def _row(cells: dict[str, str], number: int) -> tuple[HouseholdRow | None, list[RowError]]:
    errors: list[RowError] = []
    values = {}
    readers = {
        "adulti": lambda text: _integer(text, low=1, high=indicators.MAX_MEMBERS),
        "eta_figli": _ages,
        "componenti_disabili": lambda text: _integer(
            text or "0", low=0, high=indicators.MAX_MEMBERS
        ),
        "genitori_lavorano": _yes_no,
        "ise": parse_amount,
        "servizi": _services,
    }
    for column, read in readers.items():
        text = (cells.get(column) or "").strip()
        if column in ("adulti", "ise") and not text:
            errors.append(RowError(number, column, _("obbligatorio.")))
            continue
        try:
            values[column] = read(text)
        except ValueError as error:
            errors.append(RowError(number, column, str(error)))
    if errors:
        return None, errors
    household = indicators.Household(
        adults=values["adulti"],
        children_ages=values["eta_figli"],
        disabled_members=values["componenti_disabili"],
        all_parents_work=values["genitori_lavorano"],
        ise=values["ise"],
    )
    try:
        indicators.validate_household(household)
    except ValidationError as error:
        field_columns = {
            "adults": "adulti",
            "children_ages": "eta_figli",
            "disabled_members": "componenti_disabili",
            "ise": "ise",
        }
        for field, messages in error.message_dict.items():
            for message in messages:
                errors.append(RowError(number, field_columns.get(field, ""), message))
        return None, errors
    return HouseholdRow(household, values["servizi"]), []


def parse(text: str) -> list[HouseholdRow]:
    """The households of the file's text; HouseholdsFileError lists every bad row."""
    text = text.removeprefix("\ufeff")
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise HouseholdsFileError([RowError(1, "", _("il file è vuoto: manca l'intestazione."))])
    # One record a line (any of \n, \r\n, \r): a household has no multi-line cell, and the
    # row numbers are the lines a spreadsheet shows.
    reader = csv.reader(lines, delimiter=_delimiter(lines[0]))
    try:
        return _read(reader)
    except csv.Error:
        raise HouseholdsFileError(
            [
                RowError(
                    reader.line_num,
                    "",
                    _("riga illeggibile: una cella troppo lunga o delle virgolette non chiuse."),
                )
            ]
        ) from None


def _read(reader) -> list[HouseholdRow]:
    header = [name.strip().lower() for name in next(reader)]
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        raise HouseholdsFileError(
            [
                RowError(
                    1,
                    "",
                    _("mancano le colonne %(missing)s (l'intestazione è: %(columns)s).")
                    % {"missing": ", ".join(missing), "columns": ";".join(COLUMNS)},
                )
            ]
        )
    households: list[HouseholdRow] = []
    errors: list[RowError] = []
    total_errors = 0
    rows = 0
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        rows += 1
        if rows > MAX_ROWS:
            raise HouseholdsFileError(
                [
                    RowError(
                        number,
                        "",
                        _("il file supera %(max)d famiglie: dividilo in più parti.")
                        % {"max": MAX_ROWS},
                    )
                ]
            )
        if len(cells) > len(header):
            row_errors = [
                RowError(
                    number,
                    "",
                    _(
                        "%(found)d celle, l'intestazione ne ha %(expected)d "
                        "(un separatore di troppo?)."
                    )
                    % {"found": len(cells), "expected": len(header)},
                )
            ]
            household = None
        else:
            household, row_errors = _row(dict(zip(header, cells, strict=False)), number)
        if row_errors:
            total_errors += len(row_errors)
            if len(errors) < MAX_ERRORS:
                errors.extend(row_errors)
        elif not errors:
            households.append(household)
    if errors:
        raise HouseholdsFileError(errors, total_errors)
    if not households:
        raise HouseholdsFileError([RowError(2, "", _("il file non ha nessuna famiglia."))])
    return households


# --- Template and sample --------------------------------------------------------------------


def template_csv() -> CsvWriter:
    """The template: the header and three example rows."""
    writer = CsvWriter()
    writer.writerow(COLUMNS)
    writer.writerow([2, "3 7", 0, "si", Decimal("18500.00"), "mensa"])
    writer.writerow([1, "1", 0, "si", Decimal("9200.50"), "nido"])
    writer.writerow([2, "", 0, "no", Decimal("31000.00"), ""])
    return writer


def sample_households(count: int = 500, *, seed: int = 17) -> list[list]:
    """`count` households drawn from a seeded generator: the same file every time (the demo's
    sample and the benchmark's shape: 1 to 3 adults, 0 to 5 children, ISE 0–80,000 €)."""
    rng = random.Random(seed)  # noqa: S311 (invented demo data, not a secret)
    rows = []
    words = {kind: word for word, kind in SERVICE_WORDS.items()}
    for _index in range(count):
        adults = rng.choice((1, 2, 2, 2, 3))
        ages = sorted(rng.randint(0, 17) for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 4, 5))))
        services = []
        if any(3 <= age <= 13 for age in ages) and rng.random() < 0.8:
            services.append(words["canteen"])
        if any(age < 3 for age in ages) and rng.random() < 0.6:
            services.append(words["nursery"])
        rows.append(
            [
                adults,
                " ".join(str(age) for age in ages),
                1 if rng.random() < 0.05 else 0,
                "si" if rng.random() < 0.6 else "no",
                Decimal(rng.randint(0, 6_000_000)) / 100,
                " ".join(services),
            ]
        )
    return rows


def sample_csv(count: int = 500) -> CsvWriter:
    writer = CsvWriter()
    writer.writerow(COLUMNS)
    writer.writerows(sample_households(count))
    return writer
