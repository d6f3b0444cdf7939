"""A supplier's price list uploaded as CSV: read, checked row by row, nothing saved.

The importer refuses the whole file when any row is wrong, so this module reports every
error at once, each with the row number the coordinator sees in the spreadsheet (the
header is row 1) and the column as headed in the file.

The format, and why:

- Columns are recognised by their header, whatever their order, case, spacing or accents
  ("Unità", "unita", "UNITÀ DI MISURA"); English headers work too. Required: codice,
  nome, unità, prezzo, iva. Optional: categoria, confezione, minimo, multiplo, massimo,
  disponibile, scaglioni. Columns with other headers are ignored and listed, so that a
  misspelt optional column does not go unnoticed.
- The separator is `;` (Excel in Italy), `,` or a tab, whichever makes sense of the header.
  The text is UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode text") or
  else cp1252 (Excel's "CSV" on Italian Windows).
- Prices are VAT included, in euro, with a decimal comma or point ("2,10", "2.10",
  "1.234,50", "€ 2,10") and at most 4 decimals: wholesale lists quote prices such as
  1,125 €/kg, and line totals are rounded to the cent anyway (gaf.money.line_price).
- Units are those of gaf.units (kg, g, l, ml, pz, mazzo, confezione, vasetto, bottiglia,
  vaschetta, sacchetto), written as people write them whatever the case ("KG", "Lt.",
  "pezzi", "Vasetti"); an unknown unit is an error that lists the valid ones.
- Quantities (confezione, minimo, multiplo, massimo, the thresholds of scaglioni) are in
  the product's unit, with at most 3 decimals ("0,5" kg, "0,250" l), whole for the units
  counted in whole numbers (pz, vasetto, mazzo...).
- A point followed by exactly three digits ("1.000", "2.500") is refused, in prices and
  quantities alike: in Italian it groups thousands, in an English spreadsheet it marks
  decimals, and a wrong guess orders a thousand times too much. "0.500", "1000", "1,000"
  (the comma is the Italian decimal mark) and "1.000,00" are not ambiguous.
- Scaglioni are volume tiers, "30:2,10|50:1,95": from 30 units pooled by the group the
  unit price is 2,10 €, from 50 it is 1,95 €. Each tier must be cheaper than the price
  below it, and its threshold above the least a family can order (else the base price
  would never apply).
- The file is at most 1 MB and 5,000 products.

`price_list_template()` is the file to start from, offered on the import page: the
headers as this module reads them and two example rows, written by the hub's CSV writer.
"""

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.utils.translation import gettext as _

from gaf import units
from hub.csv_export import ITALIAN_EXCEL, CsvWriter

MAX_BYTES = 1024 * 1024
MAX_ROWS = 5000
# As the columns of gaf.models.Product.
PRICE_PLACES = 4
MAX_PRICE = Decimal("999999.9999")
QUANTITY_PLACES = 3
MAX_QUANTITY = Decimal(1_000_000)
CODE_MAX_LENGTH = 40
NAME_MAX_LENGTH = 200
CATEGORY_MAX_LENGTH = 80
VAT_RATES = (Decimal(4), Decimal(5), Decimal(10), Decimal(22))


class PriceTier(NamedTuple):
    """From `min_quantity` pooled by the group, `unit_price` per unit (VAT included).

    A plain pair too, as `gaf.money.line_price` takes its tiers.
    """

    min_quantity: Decimal
    unit_price: Decimal


@dataclass(frozen=True)
class PriceListRow:
    row: int  # as numbered in the spreadsheet, the header being row 1
    code: str
    name: str
    category: str  # "" when not given
    unit: str  # a code of gaf.units: "kg", "pz", "vasetto"...
    unit_price: Decimal  # VAT included
    vat_rate: Decimal  # percent: 4, 5, 10 or 22
    case_size: Decimal | None
    minimum: Decimal | None  # per family
    multiple: Decimal | None  # the step a family orders in
    maximum: Decimal | None  # total available in a round
    available: bool
    tiers: tuple[PriceTier, ...]  # by increasing threshold, decreasing price


@dataclass(frozen=True)
class RowError:
    row: int | None  # spreadsheet row (header is 1); None for the file as a whole
    column: str | None  # the header as written in the file; None for the whole row
    message: str


@dataclass(frozen=True)
class PriceListResult:
    rows: tuple[PriceListRow, ...]  # the rows without errors
    errors: tuple[RowError, ...]
    ignored_columns: tuple[str, ...] = ()  # headers that name no known column
    # The file's header of each column found, by PriceListRow field: "unit_price": "Prezzo".
    columns: Mapping[str, str] = field(default_factory=dict)


class _Invalid(Exception):
    """A cell's value is wrong; the message says how, for the coordinator."""


# Reading single cells. Each takes the stripped text of a non-empty cell.


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _text(max_length: int) -> Callable[[str], str]:
    def parse(text: str) -> str:
        text = _collapse(text)
        if len(text) > max_length:
            raise _Invalid(
                _("Il testo è troppo lungo: al massimo %(max)d caratteri.") % {"max": max_length}
            )
        return text

    return parse


def _plain_key(text: str) -> str:
    """Lower case, accents and everything but letters and digits removed: "Unità " → "unita"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(
        char for char in decomposed if char.isalnum() and not unicodedata.combining(char)
    )


def _unit(text: str) -> str:
    unit = units.by_alias(_plain_key(text))
    if unit is None:
        raise _Invalid(
            _("Unità «%(value)s» sconosciuta: usare una di queste: %(units)s.")
            % {"value": text, "units": units.codes_text()}
        )
    return unit


_NUMBER = re.compile(r"[+-]?[0-9.,]+")
_THOUSAND_OR_DECIMALS = re.compile(r"[+-]?[1-9][0-9]{0,2}\.[0-9]{3}")


def _decimal(text: str) -> Decimal:
    """A number with a decimal comma or point, and thousands separators if both appear."""
    compact = re.sub(r"[\s€]", "", text)
    if not _NUMBER.fullmatch(compact):
        raise _Invalid(_("«%(value)s» non è un numero.") % {"value": text})
    if _THOUSAND_OR_DECIMALS.fullmatch(compact):
        raise _Invalid(
            _(
                "«%(value)s» è ambiguo (migliaia o decimali?): scrivere le migliaia senza "
                "separatore e i decimali con la virgola, per esempio 1000 oppure 1,5."
            )
            % {"value": text}
        )
    if "," in compact and "." in compact:
        decimal_mark = "," if compact.rfind(",") > compact.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        whole, _mark, fraction = compact.rpartition(decimal_mark)
        if not re.fullmatch(rf"[+-]?[0-9]{{1,3}}(\{thousands}[0-9]{{3}})*", whole):
            raise _Invalid(_("«%(value)s» non è un numero.") % {"value": text})
        compact = f"{whole.replace(thousands, '')}.{fraction}"
    else:
        compact = compact.replace(",", ".")
    try:
        return Decimal(compact)
    except InvalidOperation:
        raise _Invalid(_("«%(value)s» non è un numero.") % {"value": text}) from None


def _price(text: str) -> Decimal:
    price = _decimal(text)
    if price <= 0:
        raise _Invalid(_("Il prezzo deve essere maggiore di zero."))
    if price.normalize().as_tuple().exponent < -PRICE_PLACES:
        raise _Invalid(
            _("Il prezzo può avere al massimo %(places)d decimali.") % {"places": PRICE_PLACES}
        )
    if price > MAX_PRICE:
        raise _Invalid(_("Il prezzo è troppo alto."))
    return price


def _vat_rate(text: str) -> Decimal:
    try:
        rate = _decimal(text.replace("%", ""))
    except _Invalid:
        rate = None
    if rate not in VAT_RATES:
        raise _Invalid(
            _("Aliquota IVA «%(value)s» non valida: usare 4, 5, 10 o 22.") % {"value": text}
        )
    return rate.to_integral_value()


def _quantity(text: str) -> Decimal:
    quantity = _decimal(text)
    if quantity <= 0:
        raise _Invalid(_("La quantità deve essere maggiore di zero."))
    if quantity.normalize().as_tuple().exponent < -QUANTITY_PLACES:
        raise _Invalid(
            _("La quantità può avere al massimo %(places)d decimali.") % {"places": QUANTITY_PLACES}
        )
    if quantity > MAX_QUANTITY:
        raise _Invalid(_("La quantità è troppo grande."))
    return quantity


_YES = {"si", "s", "x", "yes", "y", "true", "vero", "1"}
_NO = {"no", "n", "false", "falso", "0"}


def _available(text: str) -> bool:
    key = _plain_key(text)
    if key in _YES | _NO:
        return key in _YES
    raise _Invalid(_("«%(value)s» non è valido: scrivere sì oppure no.") % {"value": text})


def _tiers(text: str) -> tuple[PriceTier, ...]:
    tiers = []
    for item in text.split("|"):
        threshold, colon, price = item.partition(":")
        if not colon:
            raise _Invalid(
                _(
                    "Scaglione «%(value)s» non valido: scrivere soglia:prezzo, separando gli "
                    "scaglioni con | (per esempio 30:2,10|50:1,95)."
                )
                % {"value": item.strip()}
            )
        tiers.append(PriceTier(_quantity(threshold.strip()), _price(price.strip())))
    tiers.sort()
    thresholds = [tier.min_quantity for tier in tiers]
    if len(set(thresholds)) != len(thresholds):
        raise _Invalid(_("Due scaglioni hanno la stessa soglia."))
    return tuple(tiers)


@dataclass(frozen=True)
class _Column:
    field: str
    header: str  # the Italian header, named in messages about a missing column
    aliases: tuple[str, ...]  # as reduced by _plain_key
    required: bool
    parse: Callable[[str], object]
    default: object = None


_COLUMNS = (
    _Column(
        "code",
        "codice",
        ("codice", "cod", "codiceprodotto", "code", "sku", "productcode"),
        True,
        _text(CODE_MAX_LENGTH),
    ),
    _Column(
        "name",
        "nome",
        ("nome", "nomeprodotto", "prodotto", "descrizione", "name", "product", "productname"),
        True,
        _text(NAME_MAX_LENGTH),
    ),
    _Column(
        "category", "categoria", ("categoria", "category"), False, _text(CATEGORY_MAX_LENGTH), ""
    ),
    _Column("unit", "unità", ("unita", "unitadimisura", "um", "unit"), True, _unit),
    _Column(
        "unit_price",
        "prezzo",
        ("prezzo", "prezzounitario", "prezzoivato", "prezzoivainclusa", "price", "unitprice"),
        True,
        _price,
    ),
    _Column(
        "vat_rate", "iva", ("iva", "aliquota", "aliquotaiva", "vat", "vatrate"), True, _vat_rate
    ),
    _Column(
        "case_size",
        "confezione",
        ("confezione", "collo", "casesize", "case", "pack"),
        False,
        _quantity,
    ),
    _Column("minimum", "minimo", ("minimo", "ordineminimo", "minimum", "min"), False, _quantity),
    _Column("multiple", "multiplo", ("multiplo", "multiple", "step"), False, _quantity),
    _Column(
        "maximum", "massimo", ("massimo", "quantitamassima", "maximum", "max"), False, _quantity
    ),
    _Column("available", "disponibile", ("disponibile", "available"), False, _available, True),
    _Column("tiers", "scaglioni", ("scaglioni", "tiers", "pricetiers"), False, _tiers, ()),
)
_COLUMNS_BY_ALIAS = {alias: column for column in _COLUMNS for alias in column.aliases}


# The file as a whole.


def _file_error(message: str) -> PriceListResult:
    return PriceListResult(rows=(), errors=(RowError(row=None, column=None, message=message),))


def _decode(data: bytes) -> str | None:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _recognised(header: list[str]) -> int:
    return sum(_plain_key(cell) in _COLUMNS_BY_ALIAS for cell in header)


def _delimiter(first_line: str) -> str:
    """The separator that splits the header into the most known columns (ties: `;`)."""
    return max(
        (";", ",", "\t"),
        key=lambda candidate: _recognised(next(csv.reader([first_line], delimiter=candidate))),
    )


def parse_price_list(data: bytes) -> PriceListResult:
    """Read a price list CSV into checked rows, and every error found, with row and column."""
    if len(data) > MAX_BYTES:
        return _file_error(
            _("Il file è troppo grande: al massimo %(size)s MB.") % {"size": MAX_BYTES // 2**20}
        )
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        return _file_error(
            _(
                "Questo è un file Excel, non un CSV: aprirlo e salvarlo come «CSV (delimitato "
                "dal separatore di elenco)», poi caricare quello."
            )
        )
    text = _decode(data)
    if text is None or "\x00" in text:
        return _file_error(
            _("Il file non è un testo leggibile: salvarlo come CSV in UTF-8 e riprovare.")
        )
    first_line = next((line for line in text.splitlines() if line.strip()), None)
    if first_line is None:
        return _file_error(_("Il file è vuoto."))

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    try:
        records = [
            (number, record)
            for number, record in enumerate(reader, start=1)
            if any(cell.strip() for cell in record)
        ]
    except csv.Error as error:
        return _file_error(
            _("Il file non è un CSV valido (riga %(row)d): %(error)s")
            % {"row": reader.line_num, "error": error}
        )
    if not records:
        return _file_error(_("Il file è vuoto."))
    (header_row, header), body = records[0], records[1:]
    if not body:
        return _file_error(_("Il file non contiene prodotti, solo l'intestazione."))
    if len(body) > MAX_ROWS:
        return _file_error(
            _("Il file contiene %(count)d prodotti: al massimo %(max)d per volta.")
            % {"count": len(body), "max": MAX_ROWS}
        )
    return _parse_rows(header_row, header, body)


def _parse_rows(
    header_row: int, header: list[str], body: list[tuple[int, list[str]]]
) -> PriceListResult:
    errors: list[RowError] = []
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    ignored = []
    for position, cell in enumerate(header):
        column = _COLUMNS_BY_ALIAS.get(_plain_key(cell))
        if column is None:
            if cell.strip():
                ignored.append(cell.strip())
        elif column.field in positions:
            errors.append(
                RowError(
                    row=header_row,
                    column=cell.strip(),
                    message=_("La colonna «%(column)s» compare due volte (anche come «%(other)s»).")
                    % {"column": column.header, "other": headers[column.field]},
                )
            )
        else:
            positions[column.field] = position
            headers[column.field] = cell.strip()
    for column in _COLUMNS:
        if column.required and column.field not in positions:
            errors.append(
                RowError(
                    row=header_row,
                    column=column.header,
                    message=_("Manca la colonna obbligatoria «%(column)s».")
                    % {"column": column.header},
                )
            )
    if errors:
        return PriceListResult(
            rows=(), errors=tuple(errors), ignored_columns=tuple(ignored), columns=headers
        )

    rows = []
    first_row_of_code: dict[str, int] = {}
    for number, record in body:
        row_errors, values = _parse_record(number, record, header, positions, headers)
        code = values.get("code")
        if code is not None:
            key = code.casefold()
            if key in first_row_of_code:
                row_errors.append(
                    RowError(
                        row=number,
                        column=headers["code"],
                        message=_("Il codice «%(code)s» è già usato alla riga %(row)d.")
                        % {"code": code, "row": first_row_of_code[key]},
                    )
                )
            else:
                first_row_of_code[key] = number
        if not row_errors:
            row_errors = _check_consistency(number, values, headers)
        if row_errors:
            errors += row_errors
        else:
            rows.append(PriceListRow(row=number, **values))
    return PriceListResult(
        rows=tuple(rows), errors=tuple(errors), ignored_columns=tuple(ignored), columns=headers
    )


def _parse_record(
    number: int,
    record: list[str],
    header: list[str],
    positions: dict[str, int],
    headers: dict[str, str],
) -> tuple[list[RowError], dict]:
    errors = []
    if any(cell.strip() for cell in record[len(header) :]):
        errors.append(
            RowError(
                row=number,
                column=None,
                message=_(
                    "La riga ha più valori delle colonne dell'intestazione: forse un prezzo con "
                    "la virgola in un file separato da virgole? Racchiuderlo tra virgolette o "
                    "usare il punto e virgola come separatore."
                ),
            )
        )
    values = {}
    for column in _COLUMNS:
        position = positions.get(column.field)
        text = record[position].strip() if position is not None and position < len(record) else ""
        if not text:
            if column.required:
                errors.append(
                    RowError(
                        row=number, column=headers[column.field], message=_("Valore mancante.")
                    )
                )
            values[column.field] = column.default
            continue
        try:
            values[column.field] = column.parse(text)
        except _Invalid as invalid:
            errors.append(RowError(row=number, column=headers[column.field], message=str(invalid)))
            values[column.field] = None
    return errors, values


def _shown(quantity: Decimal) -> str:
    """A quantity in a message, Italian style: "0,5", "100"."""
    return f"{quantity.normalize():f}".replace(".", ",")


def _check_consistency(number: int, values: dict, headers: dict[str, str]) -> list[RowError]:
    """Rules across cells of a row whose cells are each valid."""
    if units.is_whole(values["unit"]):
        quantities = {
            name: [values[name]] for name in ("case_size", "minimum", "multiple", "maximum")
        }
        quantities["tiers"] = [tier.min_quantity for tier in values["tiers"]]
        fractional = [
            name
            for name, numbers in quantities.items()
            if any(quantity is not None and quantity % 1 for quantity in numbers)
        ]
        if fractional:
            return [
                RowError(
                    row=number,
                    column=headers[name],
                    message=_("Un prodotto venduto a «%(unit)s» si ordina in quantità intere.")
                    % {"unit": values["unit"]},
                )
                for name in fractional
            ]

    errors = []
    # Without a multiple a family orders whole units, as gaf.models.Product's default says.
    step = values["multiple"] or Decimal(1)
    for name, label in (("minimum", _("Il minimo")), ("case_size", _("La confezione"))):
        if values[name] is not None and values[name] % step:
            errors.append(
                RowError(
                    row=number,
                    column=headers[name],
                    message=_(
                        "%(what)s (%(value)s) deve essere un multiplo di %(multiple)s, la "
                        "quantità con cui si ordina (colonna multiplo; se è vuota, 1)."
                    )
                    % {"what": label, "value": _shown(values[name]), "multiple": _shown(step)},
                )
            )
    least = values["minimum"] or step
    if values["maximum"] is not None and values["maximum"] < least:
        errors.append(
            RowError(
                row=number,
                column=headers["maximum"],
                message=_(
                    "Il massimo (%(maximum)s) è meno della quantità minima ordinabile (%(least)s)."
                )
                % {"maximum": _shown(values["maximum"]), "least": _shown(least)},
            )
        )
    previous = values["unit_price"]
    for tier in values["tiers"]:
        if tier.min_quantity <= least:
            message = _(
                "La soglia di uno scaglione (%(threshold)s) deve superare la quantità minima "
                "ordinabile (%(least)s), altrimenti il prezzo base non si applica mai."
            ) % {"threshold": _shown(tier.min_quantity), "least": _shown(least)}
        elif tier.unit_price >= previous:
            message = _(
                "Il prezzo da %(threshold)s in su deve essere più basso del prezzo per "
                "quantità minori."
            ) % {"threshold": _shown(tier.min_quantity)}
        else:
            previous = tier.unit_price
            continue
        errors.append(RowError(row=number, column=headers["tiers"], message=message))
        break
    return errors


# The template offered on the import page.

_EXAMPLES = (
    {
        "code": "MEL-01",
        "name": "Mele renette",
        "category": "Frutta",
        "unit": "kg",
        "unit_price": Decimal("2.40"),
        "vat_rate": 4,
        "case_size": Decimal("6"),
        "minimum": Decimal("1"),
        "multiple": Decimal("0.5"),
        "maximum": Decimal("120"),
        "available": "sì",
        "tiers": "30:2,10|50:1,95",
    },
    {
        "code": "MIE-02",
        "name": "Miele di acacia 500 g",
        "category": "Dispensa",
        "unit": "vasetto",
        "unit_price": Decimal("6.50"),
        "vat_rate": 10,
        "case_size": Decimal("12"),
        "minimum": Decimal("1"),
        "multiple": Decimal("1"),
        "maximum": None,
        "available": "sì",
        "tiers": "",
    },
)


def price_list_template() -> CsvWriter:
    """A price list to fill in: every column with its header as read here, two examples.

    In the Italian spreadsheet dialect (`;`, decimal comma, BOM), which this module reads.
    """
    writer = CsvWriter(ITALIAN_EXCEL)
    writer.writerow(column.header for column in _COLUMNS)
    writer.writerows([example[column.field] for column in _COLUMNS] for example in _EXAMPLES)
    return writer
