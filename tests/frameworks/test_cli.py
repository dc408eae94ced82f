"""`flask frameworks import / export / diff` on the shipped framework and on broken files."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from skillsreg.frameworks.document import parse_document
from skillsreg.frameworks.models import Framework, FrameworkVersion
from tests.frameworks.test_exchange import case_errors

SHIPPED = Path(__file__).resolve().parents[2] / "frameworks" / "web-professionals"


def import_shipped(runner):
    for name in ("1.0.0.yaml", "1.1.0.yaml"):
        result = runner.invoke(args=["frameworks", "import", str(SHIPPED / name)])
        assert result.exit_code == 0, result.output


def test_importing_the_shipped_framework_twice_is_a_no_op(runner, db):
    import_shipped(runner)

    again = runner.invoke(args=["frameworks", "import", str(SHIPPED / "1.0.0.yaml")])

    assert again.exit_code == 0
    assert "already imported: no change" in again.output
    assert db.session.scalar(db.select(db.func.count(FrameworkVersion.id))) == 2


def test_a_broken_file_is_rejected_whole_with_the_place_of_each_error(runner, db, tmp_path):
    text = (SHIPPED / "1.0.0.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text(text.replace("number: 5", "number: 7", 1), encoding="utf-8")

    result = runner.invoke(args=["frameworks", "import", str(broken)])

    assert result.exit_code == 1
    assert f"{broken} was not imported" in result.output
    assert "levels[4].number" in result.output
    assert db.session.scalar(db.select(db.func.count(Framework.id))) == 0


def test_a_file_that_is_not_yaml_says_where_it_stopped_making_sense(runner, db, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("format: 1\nframework: [unclosed\n", encoding="utf-8")

    result = runner.invoke(args=["frameworks", "import", str(broken)])

    assert result.exit_code == 1
    assert "line" in result.output
    assert db.session.scalar(db.select(db.func.count(Framework.id))) == 0


def test_yaml_and_json_exports_round_trip_exactly(runner, db, tmp_path):
    import_shipped(runner)
    original = parse_document((SHIPPED / "1.1.0.yaml").read_text(), filename="1.1.0.yaml")
    for fmt in ("yaml", "json"):
        out = tmp_path / f"export.{fmt}"
        args = ["frameworks", "export", "web-professionals", "1.1.0", "--format", fmt]
        result = runner.invoke(args=[*args, "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert parse_document(out.read_text(), filename=out.name) == original


def test_the_csv_export_has_a_row_per_skill_level(runner, db):
    import_shipped(runner)
    doc = parse_document((SHIPPED / "1.0.0.yaml").read_text(), filename="1.0.0.yaml")

    args = ["frameworks", "export", "web-professionals", "latest", "--format", "csv"]
    result = runner.invoke(args=args)

    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert len(rows) == sum(len(skill["descriptors"]) for skill in doc["skills"])
    assert {row["version"] for row in rows} == {"1.0.0"}


def test_the_case_export_follows_the_cfpackage_schema(runner, db):
    import_shipped(runner)

    args = ["frameworks", "export", "web-professionals", "1.1.0", "--format", "case"]
    result = runner.invoke(args=args)

    package = json.loads(result.output)
    assert case_errors(package) == []
    assert package["CFDocument"]["adoptionStatus"] == "Draft"


def test_the_diff_command_prints_typed_changes(runner, db):
    import_shipped(runner)

    result = runner.invoke(args=["frameworks", "diff", "web-professionals", "1.0.0", "1.1.0"])

    assert result.exit_code == 0
    assert "SORC Sourcing and supplier management: merged from SUPL, PROC" in result.output
    assert "- DOCA Accessible documents: retired" in result.output


def test_exporting_an_unknown_version_says_so(runner, db):
    import_shipped(runner)

    result = runner.invoke(args=["frameworks", "export", "web-professionals", "9.9.9"])

    assert result.exit_code == 1
    assert "Framework web-professionals has no version 9.9.9" in result.output
