from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from voc.errors import InputError
from voc.io.customers import (
    find_join_key,
    load_joined_survey,
    parse_amount,
    read_customers,
    type_customers,
)


def _export() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Response ID": ["R1", "R2", "R3", "R4", "R5"],
            "Datum": ["2025-01-02", "2025-02-03", "2025-03-04", "2025-04-05", "2025-05-06"],
            "Betyg": [9, 3, 7, 10, 2],
            "Kommentar": ["Bra", "Dålig faktura", "Ok", "Toppen", "Ingen svarar"],
            "Kundnummer": ["100", "200", "100", "999", ""],
        }
    )


def _customers(**extra: list[object]) -> pd.DataFrame:
    data: dict[str, list[object]] = {
        "Kundnummer": ["100", "200", "300"],
        "Prisplan": ["Bas", "Premium", "Bas"],
        "Årsomsättning": ["1 200 000", "300000", "50 000 kr"],
        "Säljare": ["Åsa", "Örjan", "Åsa"],
    }
    data.update(extra)
    return pd.DataFrame(data)


def test_amounts_are_read_as_nordic_files_write_them() -> None:
    assert parse_amount("1 200 000") == 1_200_000
    assert parse_amount("1.200.000,50") == 1_200_000.5
    assert parse_amount("1,5") == 1.5
    assert parse_amount("250000 kr") == 250_000
    assert parse_amount("SEK 10") == 10
    assert parse_amount("lots") is None
    assert parse_amount("") is None


def test_join_key_is_found_by_shared_name_and_values() -> None:
    customers = read_customers(_customers())
    assert find_join_key(_export(), customers) == ("Kundnummer", "Kundnummer")


def test_given_key_missing_from_either_file_names_the_columns() -> None:
    customers = read_customers(_customers())
    with pytest.raises(InputError, match="not a column of the export") as info:
        find_join_key(_export(), customers, "Org.nr")
    assert info.value.column == "Org.nr"
    export = _export().rename(columns={"Kundnummer": "Konto"})
    with pytest.raises(InputError, match="customer file"):
        find_join_key(export, customers, "Konto")
    with pytest.raises(InputError, match="--customer-key"):
        find_join_key(export, customers)


def test_duplicated_accounts_are_refused_with_their_rows() -> None:
    frame = _customers()
    frame.loc[2, "Kundnummer"] = "100"
    with pytest.raises(InputError, match=r"'100' in rows 2, 4"):
        type_customers(read_customers(frame), "Kundnummer")


def test_non_numeric_revenue_names_row_and_value() -> None:
    frame = _customers()
    frame.loc[1, "Årsomsättning"] = "okänd"
    with pytest.raises(InputError, match=r"row 3 'okänd'") as info:
        type_customers(read_customers(frame), "Kundnummer")
    assert info.value.column == "Årsomsättning"


def test_blank_account_key_is_refused_with_its_row() -> None:
    frame = _customers()
    frame.loc[1, "Kundnummer"] = ""
    with pytest.raises(InputError, match="rows 3"):
        type_customers(read_customers(frame), "Kundnummer")


def test_columns_are_typed_into_segments_numbers_revenue_and_owner() -> None:
    typed = type_customers(read_customers(_customers()), "Kundnummer")
    assert typed.revenue == "Årsomsättning"
    assert typed.owner == "Säljare"
    assert typed.segments == ["Prisplan", "Säljare"]
    assert typed.accounts.loc["100", "Årsomsättning"] == 1_200_000


def test_join_keeps_and_lists_unmatched_responses_and_silent_accounts() -> None:
    loaded = load_joined_survey(_export(), read_customers(_customers()))
    assert len(loaded.frame) == 5  # nothing dropped
    join = loaded.customers
    assert join is not None
    report = join.report
    assert report.responses_matched == 3
    assert report.responses_unmatched == 2
    assert [(u.row, u.key) for u in report.unmatched_responses] == [(5, "999"), (6, "")]
    assert report.silent_accounts == ["300"]
    assert any("2 responses have no account" in w for w in loaded.warnings)
    assert list(loaded.frame["Prisplan"]) == ["Bas", "Premium", "Bas", "", ""]
    assert "Prisplan" in loaded.report.mapping.segments


def test_customer_file_in_cp1252_and_xlsx_reads_the_same(tmp_path: Path) -> None:
    frame = _customers()
    cp = tmp_path / "kunder.csv"
    cp.write_bytes(frame.to_csv(index=False, sep=";").encode("cp1252"))
    xlsx = tmp_path / "kunder.xlsx"
    frame.to_excel(xlsx, index=False)
    for path in (cp, xlsx):
        typed = type_customers(read_customers(path), "Kundnummer")
        assert list(typed.accounts["Säljare"]) == ["Åsa", "Örjan", "Åsa"], path
        assert typed.accounts["Årsomsättning"].sum() == 1_550_000


def test_undecodable_bytes_are_reported_not_hidden(tmp_path: Path) -> None:
    path = tmp_path / "kunder.csv"
    path.write_bytes(b"Kundnummer;Prisplan\n100;Bas\n200;Pr\x81emium\n")
    customers = read_customers(path)
    assert customers.encoding is not None
    assert len(customers.cells) == 2
