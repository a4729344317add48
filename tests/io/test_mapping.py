"""The mapping file, several comment fields, and the mapping shown by `voc analyze`."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from voc.cli import app
from voc.config import Settings
from voc.errors import InputError
from voc.io import ColumnOverrides, command_line_overrides, describe_load, load_mapping, load_survey
from voc.pipeline import Analyzer
from voc.types import ColumnMapping

FIXTURES = Path(__file__).parent / "fixtures"
EXPORT = (
    "Svars-ID;Datum;Betyg;Vad gör vi bra?;Vad kan vi förbättra?;Kontor;Anteckning\n"
    "1;2026-03-02;9;Snabba svar;Längre öppettider;Malmö;intern\n"
    "2;2026-03-03;4;;Allt tar för lång tid;Umeå;\n"
    "3;2026-03-04;10;Kunnig personal;;Malmö;ring tillbaka\n"
    "4;2026-03-05;7;Bra app;Dyrt;Umeå;\n"
)


@pytest.fixture()
def export(tmp_path: Path) -> Path:
    path = tmp_path / "export.csv"
    path.write_text(EXPORT, encoding="utf-8")
    return path


def test_two_comment_questions_become_two_fields_of_one_response(export: Path) -> None:
    loaded = load_survey(export)
    mapping = loaded.report.mapping
    assert (mapping.comment, mapping.extra_comments) == (
        "Vad gör vi bra?",
        ["Vad kan vi förbättra?"],
    )
    assert mapping.comment_fields == ["Vad gör vi bra?", "Vad kan vi förbättra?"]
    assert loaded.frame["comment"].tolist() == [
        "Snabba svar\nLängre öppettider",
        "Allt tar för lång tid",
        "Kunnig personal",
        "Bra app\nDyrt",
    ]
    assert loaded.comment_fields.to_dict("list") == {
        "Vad gör vi bra?": ["Snabba svar", "", "Kunnig personal", "Bra app"],
        "Vad kan vi förbättra?": ["Längre öppettider", "Allt tar för lång tid", "", "Dyrt"],
    }
    assert loaded.report.empty_comments == 0


def test_comment_fields_reach_the_analysis(export: Path, tmp_path: Path) -> None:
    settings = Settings(embedding_model="hashing", bootstrap_samples=100, models_dir=tmp_path)
    report = Analyzer(settings).analyze(export)
    first = report.comment_results[0]
    assert first.comment == "Snabba svar\nLängre öppettider"
    assert first.comment_fields == {
        "Vad gör vi bra?": "Snabba svar",
        "Vad kan vi förbättra?": "Längre öppettider",
    }
    assert report.load.mapping.extra_comments == ["Vad kan vi förbättra?"]


def test_yaml_mapping_file(tmp_path: Path, export: Path) -> None:
    path = tmp_path / "mapping.yaml"
    path.write_text(
        "# which column holds what\n"
        "score: Betyg\n"
        "comment:\n  - Vad kan vi förbättra?\n  - Anteckning\n"
        "date: Datum\n"
        "id: Svars-ID\n"
        "segments: [kontor]\n",
        encoding="utf-8",
    )
    overrides = load_mapping(path)
    assert overrides == ColumnOverrides(
        score="Betyg",
        comment="Vad kan vi förbättra?",
        extra_comments=("Anteckning",),
        date="Datum",
        response_id="Svars-ID",
        segments=("kontor",),
    )
    mapping = load_survey(export, overrides=overrides).report.mapping
    assert mapping == ColumnMapping(
        score="Betyg",
        comment="Vad kan vi förbättra?",
        extra_comments=["Anteckning"],
        date="Datum",
        response_id="Svars-ID",
        segments=["Kontor"],
    )


def test_json_mapping_file_with_a_question_text_for_a_qualtrics_id(tmp_path: Path) -> None:
    path = tmp_path / "mapping.json"
    path.write_text(
        json.dumps({"score": "Q1", "comment": "What should we improve?", "segments": []}),
        encoding="utf-8",
    )
    mapping = load_survey(FIXTURES / "qualtrics_nps.csv", overrides=load_mapping(path)).report
    assert (mapping.mapping.comment, mapping.mapping.extra_comments) == ("Q4", [])
    assert mapping.mapping.segments == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("score: [Betyg, Poäng]", "'score' must be a column name"),
        ("scroe: Betyg", "unknown key(s) ['scroe']; the keys are score, comment, date"),
        ("- Betyg", "expected a mapping of roles to columns"),
        ("score: Betyg\n  bad: [", "is not valid YAML/JSON"),
        ("", "expected a mapping of roles to columns"),
    ],
)
def test_bad_mapping_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=r"m\.yaml") as caught:
        load_mapping(path)
    assert message in str(caught.value)


def test_flags_override_the_mapping_file(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("score: A\ncomment: [B, C]\nsegments: [D]\n", encoding="utf-8")
    overrides = command_line_overrides(path, comments=["E"], segments=None, date="F")
    assert overrides == ColumnOverrides(score="A", comment="E", date="F", segments=("D",))
    several = command_line_overrides(None, comments=["B", "C"])
    assert (several.comment, several.extra_comments) == ("B", ("C",))


def test_describe_load_lists_the_mapping_and_what_was_done() -> None:
    report = load_survey(FIXTURES / "quicksearch_tnps.csv").report
    lines = describe_load(report)
    assert lines[0] == (
        "Columns: score 'Betyg (0-10)'; comments 'Kommentar' + 'Vad kan vi göra bättre?'; "
        "date 'Datum'; respondent 'Kundnummer'; segments 'Kontaktpunkt', 'Kontor', 'Region', "
        "'Säljare'"
    )
    assert lines[1] == (
        "Read as: CSV, cp1252, delimiter ';' (override with --mapping FILE or --*-col)"
    )
    assert lines[2:] == [
        "Redacted before analysis: 1 personnummer",
        "Duplicates left out: 1 (rows 5)",
    ]
    qualtrics = describe_load(load_survey(FIXTURES / "qualtrics_nps.csv").report)
    assert qualtrics[0].startswith("Columns: score 'Q1' (How likely is it that you would")
    assert qualtrics[1].startswith("Read as: qualtrics export, 3 header rows, utf-8-sig")


def test_cli_mapping_option_and_summary(
    tmp_path: Path, export: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text("score: Betyg\ncomment: Vad kan vi förbättra?\n", encoding="utf-8")
    monkeypatch.setenv("VOC_EMBEDDING_MODEL", "hashing")
    monkeypatch.setenv("VOC_BOOTSTRAP_SAMPLES", "100")
    monkeypatch.setenv("COLUMNS", "250")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["analyze", str(export), "--mapping", str(mapping), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "Columns: score 'Betyg'; comment 'Vad kan vi förbättra?'; date 'Datum'" in text
    report = json.loads((out / "report.json").read_text("utf-8"))
    assert report["load"]["mapping"]["comment"] == "Vad kan vi förbättra?"
    assert report["load"]["mapping"]["extra_comments"] == []


def test_cli_bad_mapping_file_is_one_clear_error(
    tmp_path: Path, export: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text("score: Nope\n", encoding="utf-8")
    monkeypatch.setenv("VOC_EMBEDDING_MODEL", "hashing")
    result = CliRunner().invoke(app, ["analyze", str(export), "--mapping", str(mapping)])
    assert result.exit_code == 2
    assert "column 'Nope': not found (given for score)" in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_dataframe_with_two_comment_columns() -> None:
    frame = pd.DataFrame(
        {
            "NPS": [9, 3],
            "Comment": ["Bra", "Dåligt"],
            "What could we improve?": ["Priset", ""],
        }
    )
    loaded = load_survey(frame)
    assert loaded.frame["comment"].tolist() == ["Bra\nPriset", "Dåligt"]
    assert loaded.report.mapping.extra_comments == ["What could we improve?"]


def test_upload_of_bytes_and_forced_single_comment_drops_extras() -> None:
    loaded = load_survey(
        io.BytesIO(EXPORT.encode()),
        filename="e.csv",
        overrides=ColumnOverrides(comment="Vad gör vi bra?"),
    )
    assert loaded.report.mapping.extra_comments == []
    assert list(loaded.comment_fields.columns) == ["Vad gör vi bra?"]
