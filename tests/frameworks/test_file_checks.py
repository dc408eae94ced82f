"""Framework files: formats checked, relations held to the text, BOMs ignored, errors located."""

from __future__ import annotations

import io
import json

import pytest

from skillsreg.frameworks import services
from skillsreg.frameworks.document import (
    DocumentInvalid,
    dump_document,
    locate_errors,
    parse_document,
    validate_document,
)
from skillsreg.frameworks.models import Framework, FrameworkVersion
from skillsreg.frameworks.services import framework_schema
from tests.frameworks.test_document import ANY_SHAPE, make_child, make_doc
from tests.pages import check_page, error_messages

SCHEMA = framework_schema()


def impossible_date(doc_format: str) -> tuple[dict, str]:
    doc = make_doc()
    doc["version"]["published_on"] = "2024-02-30"
    return doc, dump_document(doc, doc_format)


def line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if needle in line)


# --- the document rules -----------------------------------------------------------------


@pytest.mark.parametrize("value", ["2024-02-30", "2026-13-01", "2025-02-29"])
def test_an_impossible_date_is_refused_with_its_path(value):
    doc = make_doc()
    doc["version"]["published_on"] = value

    (error,) = validate_document(doc, schema=SCHEMA)

    assert error.path == "version.published_on"
    assert error.message == f"{value!r} is not a real date written as YYYY-MM-DD, like 2026-11-27"


def test_a_real_leap_day_is_a_date():
    doc = make_doc()
    doc["version"]["published_on"] = "2024-02-29"
    assert validate_document(doc, schema=SCHEMA) == []


def _child_with(change) -> dict:
    child = make_child()
    change(child["skills"][0])  # CODS, related to CODS in 1.0.0
    return child


@pytest.mark.parametrize(
    ("change", "differs"),
    [
        (lambda s: s.update(name="Content strategy"), "name"),
        (lambda s: s.update(description="Something else."), "description"),
        (lambda s: s["descriptors"][1].update(text="Designs services."), "level descriptors"),
        (lambda s: s["descriptors"].pop(0), "levels"),
    ],
)
def test_unchanged_is_refused_when_the_meaning_changed(change, differs):
    def unchanged(skill):
        skill["relation"] = {"type": "unchanged", "from": ["CODS"]}
        change(skill)

    errors = validate_document(_child_with(unchanged), parent=make_doc(), schema=ANY_SHAPE)

    assert [(e.path, e.message) for e in errors] == [
        (
            "skills[0].relation.type",
            f"Skill CODS is marked unchanged, but its {differs} differ from CODS in "
            "version 1.0.0: use reworded or changed",
        )
    ]


def test_unchanged_with_the_same_text_is_accepted():
    def unchanged(skill):
        skill["relation"] = {"type": "unchanged", "from": ["CODS"]}

    assert validate_document(_child_with(unchanged), parent=make_doc(), schema=ANY_SHAPE) == []


def test_reworded_is_refused_when_the_levels_changed_but_not_when_only_words_did():
    def new_level(skill):
        skill["descriptors"].append({"level": 3, "text": "Leads content design."})

    def new_words(skill):
        skill["descriptors"][0]["text"] = "Understands content design."
        skill["description"] = "What content design is, in other words."

    errors = validate_document(_child_with(new_level), parent=make_doc(), schema=ANY_SHAPE)
    reworded = validate_document(_child_with(new_words), parent=make_doc(), schema=ANY_SHAPE)

    assert [(e.path, e.message) for e in errors] == [
        (
            "skills[0].relation.type",
            "Skill CODS is marked reworded, but its levels differ from CODS in version 1.0.0 "
            "(levels 1 and 2 there, 1, 2 and 3 here): use changed",
        )
    ]
    assert reworded == []


# --- reading files ----------------------------------------------------------------------


def test_json_with_a_byte_order_mark_reads_like_yaml():
    doc = make_doc()
    json_text = "\ufeff" + dump_document(doc, "json")
    yaml_text = "\ufeff" + dump_document(doc, "yaml")

    assert parse_document(json_text, filename="v1.json") == doc
    assert parse_document(yaml_text, filename="v1.yaml") == doc


@pytest.mark.parametrize("doc_format", ["yaml", "json"])
def test_schema_errors_give_the_line_and_column_in_the_file(doc_format):
    _doc, text = impossible_date(doc_format)
    parsed = parse_document(text, filename=f"v1.{doc_format}")

    (error,) = locate_errors(parsed, validate_document(parsed, schema=SCHEMA))

    line = line_of(text, "2024-02-30")
    quote = text.splitlines()[line - 1].index("2024") - 1  # the value starts at its quote
    assert (error.line, error.column) == (line, quote + 1)
    assert str(error).startswith(f"version.published_on line {line}, column ")


@pytest.mark.parametrize("doc_format", ["yaml", "json"])
def test_a_missing_field_is_placed_at_the_mapping_that_lacks_it(doc_format):
    doc = make_doc()
    del doc["skills"][1]["name"]
    text = dump_document(doc, doc_format)
    parsed = parse_document(text, filename=f"v1.{doc_format}")

    (error,) = locate_errors(parsed, validate_document(parsed, schema=SCHEMA))

    assert error.path == "skills[1].name"
    assert error.line == line_of(text, "ACCS") - (0 if doc_format == "yaml" else 1)


def test_json_positions_follow_nesting_escapes_and_arrays():
    text = '{\n  "a\\"b": [1, {"c": "x\\u00e9"}],\n  "d": {"e": [\n    true, null]}}'
    parsed = parse_document(text, filename="t.json")

    assert parsed.position('a"b[1].c') == (2, 21)
    assert parsed.position("d.e[1]") == (4, 11)
    assert parsed.position("d.e[7].missing") == (3, 14)
    assert parsed.position("nowhere") == (1, 1)


@pytest.mark.parametrize("filename", ["deep.json", "deep.yaml"])
def test_deeply_nested_files_are_refused_in_one_line(filename):
    with pytest.raises(DocumentInvalid) as caught:
        parse_document("[" * 100_000 + "]" * 100_000, filename=filename)
    message = "The file is nested too deeply to be a framework document"
    assert str(caught.value) == f"{filename}: {message}"


# --- the command line -------------------------------------------------------------------


def _count(db):
    return db.session.scalar(db.select(db.func.count(FrameworkVersion.id)))


@pytest.mark.parametrize("doc_format", ["yaml", "json"])
def test_the_cli_refuses_an_impossible_date_with_its_place(runner, db, tmp_path, doc_format):
    _doc, text = impossible_date(doc_format)
    path = tmp_path / f"v1.{doc_format}"
    path.write_text(text, encoding="utf-8")

    result = runner.invoke(args=["frameworks", "import", str(path)])

    assert result.exit_code == 1
    assert "Traceback" not in result.output
    line = line_of(text, "2024-02-30")
    assert f"{path}: version.published_on line {line}, column " in result.output
    assert "'2024-02-30' is not a real date" in result.output
    assert _count(db) == 0
    assert db.session.scalar(db.select(db.func.count(Framework.id))) == 0


def test_the_cli_imports_json_with_a_byte_order_mark(runner, db, tmp_path):
    path = tmp_path / "v1.json"
    path.write_bytes(b"\xef\xbb\xbf" + dump_document(make_doc(), "json").encode())

    result = runner.invoke(args=["frameworks", "import", str(path)])

    assert result.exit_code == 0, result.output
    assert "Imported web-professionals 1.0.0" in result.output


def test_the_cli_refuses_unchanged_on_a_changed_skill_and_writes_nothing(runner, db, tmp_path):
    parent, child = tmp_path / "1.0.0.yaml", tmp_path / "1.1.0.yaml"
    parent.write_text(dump_document(make_doc(), "yaml"), encoding="utf-8")
    assert runner.invoke(args=["frameworks", "import", str(parent)]).exit_code == 0

    def unchanged(skill):
        skill["relation"] = {"type": "unchanged", "from": ["CODS"]}
        skill["description"] = "A different skill now."

    text = dump_document(_child_with(unchanged), "yaml")
    child.write_text(text, encoding="utf-8")
    result = runner.invoke(args=["frameworks", "import", str(child)])

    assert result.exit_code == 1
    line = line_of(text, "type: unchanged")
    assert f"skills[0].relation.type line {line}, column " in result.output
    assert "marked unchanged, but its description differ" in result.output
    assert _count(db) == 1


# --- the upload page --------------------------------------------------------------------


@pytest.fixture
def signed_in(client, login_as, organiser):
    login_as(organiser)
    return client


def upload(client, content: bytes, filename: str):
    data = {"file": (io.BytesIO(content), filename)}
    return client.post("/frameworks/import", data=data, content_type="multipart/form-data")


@pytest.mark.parametrize("doc_format", ["yaml", "json"])
def test_the_upload_page_refuses_an_impossible_date_with_its_place(signed_in, db, doc_format):
    _doc, text = impossible_date(doc_format)

    page = check_page(upload(signed_in, text.encode(), f"v1.{doc_format}"), errors=True)

    line = line_of(text, "2024-02-30")
    (message,) = error_messages(page)
    assert message.startswith(f"v1.{doc_format}: version.published_on line {line}, column ")
    assert message.endswith(
        "'2024-02-30' is not a real date written as YYYY-MM-DD, like 2026-11-27"
    )
    assert _count(db) == 0


def test_the_upload_page_imports_json_with_a_byte_order_mark(signed_in, db):
    content = b"\xef\xbb\xbf" + dump_document(make_doc(), "json").encode()

    response = upload(signed_in, content, "v1.json")

    assert response.status_code == 302
    assert services.find_framework("web-professionals") is not None


def test_the_upload_page_refuses_a_reworded_skill_with_new_levels(signed_in, db):
    upload(signed_in, dump_document(make_doc(), "yaml").encode(), "1.0.0.yaml")

    def new_level(skill):
        skill["descriptors"].append({"level": 3, "text": "Leads content design."})

    text = dump_document(_child_with(new_level), "json")
    page = check_page(upload(signed_in, text.encode(), "1.1.0.json"), errors=True)

    (message,) = error_messages(page)
    line = line_of(text, '"type": "reworded"')
    assert message.startswith(f"1.1.0.json: skills[0].relation.type line {line}, column ")
    assert "marked reworded, but its levels differ" in message
    assert _count(db) == 1
    assert json.loads(text)  # the file itself was valid JSON


def test_an_unprintable_character_in_yaml_is_a_document_error():
    with pytest.raises(DocumentInvalid) as caught:
        parse_document("\x1fformat: 1", filename="v1.yaml")
    assert str(caught.value).startswith("v1.yaml: Unacceptable character #x001f")
