"""Reading the households' CSV: both separators, Excel's BOM, Italian amounts; every bad row
reported by row and column, in Italian, and nothing returned when any row is bad."""

from decimal import Decimal

import pytest

from tariffs import households_csv
from tariffs.households_csv import HouseholdsFileError, parse, parse_amount

HEADER = "adulti;eta_figli;componenti_disabili;genitori_lavorano;ise;servizi"


def test_semicolon_file_with_bom_and_decimal_comma_as_excel_writes_it():
    data = f"{HEADER}\r\n2;3 7;0;si;18500,50;mensa nido\r\n1;;0;no;9.200,00;\r\n".encode(
        "utf-8-sig"
    )
    rows = parse(households_csv.decode(data))
    assert len(rows) == 2
    first, second = rows
    assert first.household.adults == 2
    assert first.household.children_ages == (3, 7)
    assert first.household.all_parents_work is True
    assert first.household.ise == Decimal("18500.50")
    assert first.services == {"canteen", "nursery"}
    assert second.household.children_ages == ()
    assert second.household.ise == Decimal("9200.00")
    assert second.services == frozenset()


def test_comma_file_with_quoted_ages():
    text = HEADER.replace(";", ",") + '\n2,"1, 4",1,sì,12000.5,mensa\n\n'
    (row,) = parse(text)
    assert row.household.children_ages == (1, 4)
    assert row.household.disabled_members == 1
    assert row.household.ise == Decimal("12000.5")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("18500", "18500"),
        ("18500,5", "18500.5"),
        ("18500.50", "18500.50"),
        ("18.500,50", "18500.50"),
        ("1.234.567", "1234567"),
        ("€ 900", "900"),
    ],
)
def test_amounts(text, expected):
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "-5", "12a", "1,2,3", "1e5", "1.5.5"])
def test_bad_amounts(text):
    with pytest.raises(ValueError):
        parse_amount(text)


def test_every_bad_row_is_reported_by_row_and_column_and_nothing_is_kept():
    text = "\n".join(
        [
            HEADER,
            "2;3;0;si;1000;mensa",  # good
            "0;3 x;0;forse;12a;mensa pizza",  # five bad cells
            "2;1;0;si;1000;mensa",  # good
            "2;1;5;si;;mensa",  # no ISE, too many disabled members
            "2;1;0;si;1000;mensa;extra",  # a cell too many
        ]
    )
    with pytest.raises(HouseholdsFileError) as caught:
        parse(text)
    messages = [str(error) for error in caught.value.errors]
    assert messages == [
        "Riga 3, colonna «adulti»: serve un numero intero da 1 a 20.",
        "Riga 3, colonna «eta_figli»: servono le età in anni (da 0 a 120), separate da spazi, "
        "es. «3 7».",
        "Riga 3, colonna «genitori_lavorano»: serve «si» o «no».",
        "Riga 3, colonna «ise»: serve un importo in euro, come 18500,50.",
        "Riga 3, colonna «servizi»: servizio sconosciuto «pizza»: usa mensa, nido, trasporto, "
        "estivo.",
        "Riga 5, colonna «ise»: obbligatorio.",
        "Riga 6: 7 celle, l'intestazione ne ha 6 (un separatore di troppo?).",
    ]
    assert caught.value.total == 7


def test_a_household_impossible_as_a_whole_names_its_column():
    with pytest.raises(HouseholdsFileError) as caught:
        parse(f"{HEADER}\n2;1;5;si;1000;mensa")
    assert [str(error) for error in caught.value.errors] == [
        "Riga 2, colonna «componenti_disabili»: I componenti con disabilità vanno da 0 al "
        "numero dei componenti (3)."
    ]


def test_missing_columns_empty_files_and_other_encodings_are_refused():
    with pytest.raises(HouseholdsFileError) as caught:
        parse("adulti;ise\n2;1000")
    assert "mancano le colonne eta_figli, componenti_disabili" in str(caught.value.errors[0])
    with pytest.raises(HouseholdsFileError):
        parse("")
    with pytest.raises(HouseholdsFileError) as caught:
        parse(HEADER + "\n;;;;;\n")
    assert "nessuna famiglia" in str(caught.value.errors[0])
    with pytest.raises(HouseholdsFileError) as caught:
        households_csv.decode(f"{HEADER}\n2;;0;si;1000;mensa è".encode("cp1252"))
    assert str(caught.value.errors[0]).startswith("Riga 2: il file non è in UTF-8")


def test_size_and_row_limits(monkeypatch):
    with pytest.raises(HouseholdsFileError) as caught:
        households_csv.check_size(households_csv.MAX_BYTES + 1)
    assert "supera 4 MB" in str(caught.value.errors[0])
    monkeypatch.setattr(households_csv, "MAX_ROWS", 3)
    with pytest.raises(HouseholdsFileError) as caught:
        parse(HEADER + "\n" + "2;;0;si;1000;mensa\n" * 4)
    assert str(caught.value.errors[0]) == (
        "Riga 5: il file supera 3 famiglie: dividilo in più parti."
    )


def test_errors_are_listed_up_to_a_limit_and_all_counted(monkeypatch):
    monkeypatch.setattr(households_csv, "MAX_ERRORS", 5)
    with pytest.raises(HouseholdsFileError) as caught:
        parse(HEADER + "\n" + "0;;0;si;1000;mensa\n" * 20)
    assert len(caught.value.errors) == 5
    assert caught.value.total == 20


def test_the_template_and_the_sample_read_back():
    assert len(parse(households_csv.decode(households_csv.template_csv().content()))) == 3
    sample = households_csv.sample_csv().content()
    assert sample == households_csv.sample_csv().content()  # deterministic
    rows = parse(households_csv.decode(sample))
    assert len(rows) == 500
    assert sum("canteen" in row.services for row in rows) > 200


def test_unreadable_rows_and_old_mac_line_ends():
    with pytest.raises(HouseholdsFileError) as caught:
        parse(f"{HEADER}\n2;;0;si;1;mensa\n2;{'1' * 200_000};0;si;1;mensa\n")
    assert [str(error) for error in caught.value.errors] == [
        "Riga 3: riga illeggibile: una cella troppo lunga o delle virgolette non chiuse."
    ]
    assert len(parse(f"{HEADER}\r2;;0;si;1;mensa\r2;;0;si;1;mensa")) == 2
    with pytest.raises(HouseholdsFileError):
        parse(f"{HEADER}\n2;\x00;0;si;1;mensa")
