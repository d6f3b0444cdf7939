"""Reading a supplier's price list CSV: good files, each kind of bad row, encodings, limits."""

import codecs
import csv
import io
import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaf import units
from gaf.pricelist import (
    MAX_BYTES,
    MAX_ROWS,
    VAT_RATES,
    PriceListResult,
    PriceListRow,
    PriceTier,
    RowError,
    parse_price_list,
)
from gaf.units import Unit

D = Decimal
VALID_UNITS = "kg, g, l, ml, pz, mazzo, confezione, vasetto, bottiglia, vaschetta, sacchetto"
HEADER = [
    "Codice",
    "Nome",
    "Categoria",
    "Unità",
    "Prezzo",
    "IVA",
    "Confezione",
    "Minimo",
    "Multiplo",
    "Massimo",
    "Disponibile",
    "Scaglioni",
]
APPLES = ["MEL-01", "Mele renette", "Frutta", "kg", "2,10", "4", "6", "2", "2", "120", "sì", ""]
POTATOES = ["PAT-1", "Patate", "", "kg", "0,95", "4", "", "", "", "", "", ""]
COFFEE = ["CAF-02", "Caffè d'orzo", "Dispensa", "pz", "3,45", "22", "", "", "", "", "", ""]


def csv_bytes(rows, *, delimiter=";", encoding="utf-8-sig"):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def parse(*rows, **options):
    return parse_price_list(csv_bytes([HEADER, *rows], **options))


def only_error(result: PriceListResult) -> RowError:
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


# Good files


def test_good_file():
    result = parse(
        APPLES,
        COFFEE,
        [
            "OLI-03",
            "Olio extravergine",
            "",
            "l",
            "9.80",
            "4",
            "",
            "",
            "",
            "",
            "no",
            "12:9,50|6:9,60",
        ],
    )
    assert result.errors == ()
    assert result.ignored_columns == ()
    apples, coffee, oil = result.rows
    assert apples == PriceListRow(
        row=2,
        code="MEL-01",
        name="Mele renette",
        category="Frutta",
        unit="kg",
        unit_price=D("2.10"),
        vat_rate=D(4),
        case_size=D(6),
        minimum=D(2),
        multiple=D(2),
        maximum=D(120),
        available=True,
        tiers=(),
    )
    assert (coffee.row, coffee.name, coffee.case_size, coffee.available) == (
        3,
        "Caffè d'orzo",
        None,
        True,
    )
    assert (oil.category, oil.available, oil.unit_price) == ("", False, D("9.80"))
    # Tiers come back by threshold, and feed gaf.money.line_price as plain pairs.
    assert oil.tiers == (PriceTier(6, D("9.60")), PriceTier(12, D("9.50")))
    assert oil.tiers[0] == (6, D("9.60"))


def test_headers_ignore_case_spacing_accents_and_order_and_may_be_english():
    data = csv_bytes(
        [
            ["  PRICE ", "vat rate", "Unita'", "code", "Product name", "Note del produttore"],
            ["2.10", "4%", "Chili", "MEL-01", "Mele", "raccolte a mano"],
        ],
        delimiter=",",
    )
    result = parse_price_list(data)
    assert result.errors == ()
    assert result.ignored_columns == ("Note del produttore",)
    assert result.columns == {
        "unit_price": "PRICE",
        "vat_rate": "vat rate",
        "unit": "Unita'",
        "code": "code",
        "name": "Product name",
    }
    (row,) = result.rows
    assert (row.code, row.name, row.unit, row.unit_price, row.vat_rate) == (
        "MEL-01",
        "Mele",
        "kg",
        D("2.10"),
        D(4),
    )
    assert (row.category, row.available, row.tiers) == ("", True, ())


def test_only_the_required_columns():
    data = csv_bytes(
        [["codice", "nome", "unità", "prezzo", "iva"], ["A1", "Uova", "pz", "0,45", "10"]]
    )
    (row,) = parse_price_list(data).rows
    assert (row.case_size, row.minimum, row.multiple, row.maximum) == (None, None, None, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2,10", D("2.10")),
        ("2.10", D("2.10")),
        ("€ 2,10", D("2.10")),
        ("2,10 €", D("2.10")),
        ("1.234,50", D("1234.50")),
        ("1,234.50", D("1234.50")),
        ("1,125", D("1.125")),
        ("0,0450", D("0.045")),
        ("2,100000", D("2.1")),
        ("7", D(7)),
    ],
)
def test_price_formats(text, expected):
    (row,) = parse([*COFFEE[:4], text, *COFFEE[5:]]).rows
    assert row.unit_price == expected


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("KG", "kg"),
        ("chilo", "kg"),
        ("Gr.", "g"),
        ("Lt.", "l"),
        ("litri", "l"),
        ("ML", "ml"),
        ("pezzo", "pz"),
        ("Pz.", "pz"),
        ("Mazzo", "mazzo"),
        ("mazzi", "mazzo"),
        ("CONFEZIONE", "confezione"),
        ("conf.", "confezione"),
        ("Vasetti", "vasetto"),
        ("bottiglia", "bottiglia"),
        ("Vaschette", "vaschetta"),
        ("sacchetto", "sacchetto"),
    ],
)
def test_unit_words(text, unit):
    (row,) = parse([*COFFEE[:3], text, *COFFEE[4:]]).rows
    assert row.unit == unit


@pytest.mark.parametrize(
    ("text", "available"), [("Sì", True), ("si", True), ("X", True), ("NO", False)]
)
def test_available_words(text, available):
    (row,) = parse([*COFFEE[:10], text, ""]).rows
    assert row.available is available


def test_cp1252_file_from_excel_on_windows():
    data = csv_bytes([HEADER, [*COFFEE[:4], "€ 3,45", *COFFEE[5:]]], encoding="cp1252")
    assert b"Caff\xe8" in data and b"\x80" in data
    (row,) = parse_price_list(data).rows
    assert (row.name, row.unit_price) == ("Caffè d'orzo", D("3.45"))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_utf8_with_or_without_bom(encoding):
    data = csv_bytes([HEADER, COFFEE], encoding=encoding)
    assert data.startswith(codecs.BOM_UTF8) == (encoding == "utf-8-sig")
    (row,) = parse_price_list(data).rows
    assert row.name == "Caffè d'orzo"


def test_utf16_tab_separated_unicode_text_from_excel():
    (row,) = parse_price_list(csv_bytes([HEADER, COFFEE], delimiter="\t", encoding="utf-16")).rows
    assert row.name == "Caffè d'orzo"


def test_semicolons_and_commas_give_the_same_rows():
    semicolons = parse(APPLES, COFFEE, delimiter=";")
    commas = parse(APPLES, COFFEE, delimiter=",")  # the writer quotes "2,10"
    assert semicolons.errors == commas.errors == ()
    assert semicolons.rows == commas.rows
    assert len(semicolons.rows) == 2


def test_blank_rows_are_skipped_but_counted():
    data = b"\r\n" + csv_bytes([HEADER, APPLES, [], ["", " "], COFFEE], encoding="utf-8")
    result = parse_price_list(data)
    assert result.errors == ()
    assert [row.row for row in result.rows] == [3, 6]


def test_multiline_cell_is_one_spreadsheet_row():
    result = parse(
        ["A1", "Mele\nrenette", "", "kg", "2", "4", "", "", "", "", "", ""],
        [*COFFEE[:4], "x", *COFFEE[5:]],
    )
    assert result.rows[0].name == "Mele renette"
    assert only_error(result).row == 3


# Bad rows: the good row 2, a blank row 3, the bad row 4.


def with_cell(column, value, row=APPLES):
    cells = list(row)
    cells[HEADER.index(column)] = value
    return cells


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("Codice", "", "Valore mancante."),
        ("Nome", "  ", "Valore mancante."),
        ("Nome", "x" * 201, "Il testo è troppo lungo: al massimo 200 caratteri."),
        ("Unità", "hg", f"Unità «hg» sconosciuta: usare una di queste: {VALID_UNITS}."),
        ("Prezzo", "", "Valore mancante."),
        ("Prezzo", "due euro", "«due euro» non è un numero."),
        ("Prezzo", "1.23.4", "«1.23.4» non è un numero."),
        ("Prezzo", "1.2,3", "«1.2,3» non è un numero."),
        ("Prezzo", "0", "Il prezzo deve essere maggiore di zero."),
        ("Prezzo", "-2,10", "Il prezzo deve essere maggiore di zero."),
        ("Prezzo", "2,12345", "Il prezzo può avere al massimo 4 decimali."),
        ("Prezzo", "1000000", "Il prezzo è troppo alto."),
        ("IVA", "21", "Aliquota IVA «21» non valida: usare 4, 5, 10 o 22."),
        ("IVA", "esente", "Aliquota IVA «esente» non valida: usare 4, 5, 10 o 22."),
        ("Prezzo", "2.100", "«2.100» è ambiguo (migliaia o decimali?)"),
        ("Confezione", "tanti", "«tanti» non è un numero."),
        ("Minimo", "1.000", "«1.000» è ambiguo (migliaia o decimali?)"),
        ("Minimo", "0,0005", "La quantità può avere al massimo 3 decimali."),
        ("Multiplo", "0", "La quantità deve essere maggiore di zero."),
        ("Massimo", "2000000", "La quantità è troppo grande."),
        ("Disponibile", "forse", "«forse» non è valido: scrivere sì oppure no."),
        ("Scaglioni", "30-2,10", "Scaglione «30-2,10» non valido: scrivere soglia:prezzo"),
        ("Scaglioni", "30:2,00|", "Scaglione «» non valido"),
        ("Scaglioni", "0:2,00", "La quantità deve essere maggiore di zero."),
        ("Scaglioni", "30:2,00|30:1,90", "Due scaglioni hanno la stessa soglia."),
        ("Scaglioni", "30:abc", "«abc» non è un numero."),
        # Consistency across the row's cells (price 2,10 €/kg, minimum 2, multiple 2).
        ("Scaglioni", "30:2,10", "Il prezzo da 30 in su deve essere più basso del prezzo per"),
        ("Scaglioni", "30:2,00|50:2,05", "Il prezzo da 50 in su deve essere più basso"),
        (
            "Scaglioni",
            "2:2,00",
            "La soglia di uno scaglione (2) deve superare la quantità minima ordinabile (2)",
        ),
        ("Minimo", "3", "Il minimo (3) deve essere un multiplo di 2, la quantità con cui"),
        ("Confezione", "5", "La confezione (5) deve essere un multiplo di 2,"),
        ("Confezione", "2,5", "La confezione (2,5) deve essere un multiplo di 2,"),
        ("Massimo", "1", "Il massimo (1) è meno della quantità minima ordinabile (2)."),
    ],
)
def test_each_bad_cell_is_reported_with_row_and_column(column, value, message):
    result = parse(COFFEE, [], with_cell(column, value, row=["ZZ-9", *APPLES[1:]]))
    error = only_error(result)
    assert (error.row, error.column) == (4, column)
    assert error.message.startswith(message)
    assert [row.code for row in result.rows] == ["CAF-02"]


def test_quantities_by_weight_may_have_decimals():
    (row,) = parse(
        [
            "PAT-1",
            "Patate",
            "",
            "kg",
            "0.95",
            "4",
            "5",
            "1,5",
            "0,5",
            "20,250",
            "",
            "10:0,90|25,5:0,85",
        ]
    ).rows
    assert (row.case_size, row.minimum, row.multiple, row.maximum) == (
        D(5),
        D("1.5"),
        D("0.5"),
        D("20.25"),
    )
    assert row.tiers == (PriceTier(D(10), D("0.90")), PriceTier(D("25.5"), D("0.85")))


def test_without_a_multiple_quantities_are_whole_units():
    error = only_error(parse(with_cell("Minimo", "0,5", POTATOES)))
    assert (error.row, error.column) == (2, "Minimo")
    assert error.message.startswith("Il minimo (0,5) deve essere un multiplo di 1,")


def test_pieces_are_whole():
    result = parse(["UOV-6", "Uova", "", "pz", "0,45", "10", "2,5", "1,5", "", "", "", "10,5:0,40"])
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (2, column, "Un prodotto venduto a «pz» si ordina in quantità intere.")
        for column in ("Confezione", "Minimo", "Scaglioni")
    ]


@pytest.mark.parametrize(
    ("text", "expected"), [("0.500", D("0.5")), ("2,500", D("2.5")), ("1.000,000", D(1000))]
)
def test_unambiguous_quantities(text, expected):
    (row,) = parse(with_cell("Multiplo", text, POTATOES)).rows
    assert row.multiple == expected


def test_the_column_is_named_as_in_the_file():
    data = csv_bytes(
        [
            ["COD.", "Descrizione", "U.M.", "Prezzo IVA inclusa", "Aliquota"],
            ["A", "B", "t", "1", "4"],
        ]
    )
    error = only_error(parse_price_list(data))
    assert (error.row, error.column) == (2, "U.M.")


def test_every_error_of_every_row_is_reported():
    result = parse(
        with_cell("Prezzo", "x", with_cell("IVA", "3")),
        COFFEE,
        with_cell("Unità", "hg", COFFEE),
    )
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "Prezzo"),
        (2, "IVA"),
        (4, "Unità"),
        (4, "Codice"),
    ]
    assert [row.row for row in result.rows] == [3]


def test_duplicate_codes_ignore_case():
    result = parse(APPLES, COFFEE, with_cell("Codice", "mel-01", COFFEE))
    error = only_error(result)
    assert (error.row, error.column) == (4, "Codice")
    assert error.message == "Il codice «mel-01» è già usato alla riga 2."
    assert [row.row for row in result.rows] == [2, 3]


def test_row_with_more_cells_than_the_header():
    # A decimal comma in a comma-separated file, unquoted, splits the price in two.
    # The cells after the split are reported too: they show how the row was misread.
    data = b"codice,nome,unita,prezzo,iva\r\nA1,Uova,pz,0,45,10\r\n"
    whole_row, price, vat = parse_price_list(data).errors
    assert (whole_row.row, whole_row.column) == (2, None)
    assert whole_row.message.startswith("La riga ha più valori delle colonne dell'intestazione")
    assert [(price.row, price.column), (vat.row, vat.column)] == [(2, "prezzo"), (2, "iva")]


def test_missing_cells_at_the_end_of_a_row_are_empty():
    (row,) = parse(COFFEE[:6]).rows
    assert (row.case_size, row.available, row.tiers) == (None, True, ())


# The file as a whole


def file_error(result):
    error = only_error(result)
    assert (error.row, error.column) == (None, None)
    assert result.rows == ()
    return error.message


@pytest.mark.parametrize("data", [b"", b"\r\n  \r\n", codecs.BOM_UTF8, b";;;\r\n"])
def test_empty_file(data):
    assert file_error(parse_price_list(data)) == "Il file è vuoto."


def test_header_without_products():
    assert file_error(parse_price_list(csv_bytes([HEADER]))) == (
        "Il file non contiene prodotti, solo l'intestazione."
    )


def test_header_missing_required_columns():
    header = [name for name in HEADER if name not in {"Prezzo", "IVA"}]
    result = parse_price_list(csv_bytes([header, APPLES[:4] + APPLES[6:]]))
    assert result.rows == ()
    assert result.errors == (
        RowError(row=1, column="prezzo", message="Manca la colonna obbligatoria «prezzo»."),
        RowError(row=1, column="iva", message="Manca la colonna obbligatoria «iva»."),
    )


def test_unrecognised_header():
    result = parse_price_list(b"a;b;c\r\n1;2;3\r\n")
    assert {error.column for error in result.errors} == {"codice", "nome", "unità", "prezzo", "iva"}
    assert result.ignored_columns == ("a", "b", "c")


def test_same_column_twice():
    result = parse_price_list(csv_bytes([[*HEADER, "Prodotto"], [*APPLES, "Mele"]]))
    error = only_error(result)
    assert (error.row, error.column) == (1, "Prodotto")
    assert error.message == "La colonna «nome» compare due volte (anche come «Nome»)."


def test_oversize_file():
    data = csv_bytes([HEADER]) + b"x" * MAX_BYTES
    assert file_error(parse_price_list(data)) == "Il file è troppo grande: al massimo 1 MB."


def test_too_many_rows():
    rows = [[f"P{n:05}", "Prodotto", "pz", "1", "4"] for n in range(MAX_ROWS + 1)]
    data = csv_bytes([["codice", "nome", "unità", "prezzo", "iva"], *rows])
    assert len(data) <= MAX_BYTES
    assert file_error(parse_price_list(data)) == (
        "Il file contiene 5001 prodotti: al massimo 5000 per volta."
    )
    assert len(parse_price_list(data[: data.rindex(b"P0")]).rows) == MAX_ROWS


@pytest.mark.parametrize("magic", [b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"])
def test_excel_workbook_instead_of_csv(magic):
    assert file_error(parse_price_list(magic + b"\x00" * 100)).startswith(
        "Questo è un file Excel, non un CSV"
    )


def test_binary_file():
    assert file_error(parse_price_list(b"codice\x00\x81\x8d")).startswith(
        "Il file non è un testo leggibile"
    )


def test_unreadable_csv():
    data = b'codice;nome;unita;prezzo;iva\r\n"A1;"x' + b"y" * (csv.field_size_limit() + 1)
    assert file_error(parse_price_list(data)).startswith("Il file non è un CSV valido (riga 2)")


# Any valid price list, written any accepted way, reads back as written.


@st.composite
def valid_rows(draw):
    codes = draw(
        st.lists(
            st.from_regex(r"[A-Za-z0-9][A-Za-z0-9./-]{0,11}", fullmatch=True),
            min_size=1,
            max_size=8,
            unique_by=str.casefold,
        )
    )
    text = st.text(
        st.characters(codec="cp1252", exclude_categories=("Cc", "Cs", "Co", "Cn")),
        max_size=30,
    ).map(lambda value: " ".join(value.split()))
    rows = []
    for number, code in enumerate(codes, start=2):
        unit = draw(st.sampled_from(Unit.values))
        quantum = D(1).scaleb(-(0 if units.is_whole(unit) else draw(st.integers(0, 3))))

        def steps(low, high, quantum=quantum):
            return st.integers(low, high).map(lambda count: count * quantum)

        price = draw(st.decimals(min_value=D("0.0001"), max_value=D("9999"), places=4))
        multiple = draw(st.none() | steps(1, 20))
        step = multiple or D(1)
        minimum = draw(st.none() | st.integers(1, 5).map(lambda k, step=step: k * step))
        case_size = draw(st.none() | st.integers(1, 10).map(lambda k, step=step: k * step))
        least = minimum or step
        maximum = draw(st.none() | steps(0, 1000).map(lambda extra, least=least: least + extra))
        thresholds = draw(st.sets(steps(1, 500).map(lambda extra, least=least: least + extra)))
        tiers, tier_price = [], price
        for threshold in sorted(thresholds)[:3]:
            if tier_price <= D("0.0001"):
                break
            tier_price = draw(
                st.decimals(min_value=D("0.0001"), max_value=tier_price - D("0.0001"), places=4)
            )
            tiers.append(PriceTier(threshold, tier_price))
        rows.append(
            PriceListRow(
                row=number,
                code=code,
                name=draw(text.filter(bool)),
                category=draw(text),
                unit=unit,
                unit_price=price,
                vat_rate=draw(st.sampled_from(VAT_RATES)),
                case_size=case_size,
                minimum=minimum,
                multiple=multiple,
                maximum=maximum,
                available=draw(st.booleans()),
                tiers=tuple(tiers),
            )
        )
    return rows


def written(value, decimal_mark):
    if value is None:
        return ""
    text = f"{value.normalize():f}"
    if decimal_mark == "." and re.fullmatch(r"[1-9][0-9]{0,2}\.[0-9]{3}", text):
        text += "0"  # "1.250" would be refused as ambiguous; "1.2500" is not
    return text.replace(".", decimal_mark)


@settings(max_examples=60, deadline=None)
@given(
    rows=valid_rows(),
    delimiter=st.sampled_from([";", ",", "\t"]),
    decimal_mark=st.sampled_from([",", "."]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_any_valid_price_list_reads_back(rows, delimiter, decimal_mark, encoding):
    def number(value):
        return written(value, decimal_mark)

    table = [HEADER] + [
        [
            row.code,
            row.name,
            row.category,
            row.unit,
            number(row.unit_price),
            number(row.vat_rate),
            number(row.case_size),
            number(row.minimum),
            number(row.multiple),
            number(row.maximum),
            "sì" if row.available else "no",
            "|".join(
                f"{number(tier.min_quantity)}:{number(tier.unit_price)}" for tier in row.tiers
            ),
        ]
        for row in rows
    ]
    result = parse_price_list(csv_bytes(table, delimiter=delimiter, encoding=encoding))
    assert result.errors == ()
    assert list(result.rows) == rows


def test_the_template_reads_back_with_every_column_and_no_error():
    from gaf.pricelist import _COLUMNS, price_list_template

    result = parse_price_list(price_list_template().content())
    assert result.errors == ()
    assert result.ignored_columns == ()
    assert set(result.columns) == {column.field for column in _COLUMNS}
    assert [(row.code, row.unit, row.unit_price) for row in result.rows] == [
        ("MEL-01", "kg", D("2.40")),
        ("MIE-02", "vasetto", D("6.50")),
    ]
