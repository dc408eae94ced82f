"""Consent filtering and the published formats, as plain functions."""

from __future__ import annotations

import csv
import io
import json

from skillsreg.register.rules import (
    ConsentField,
    Person,
    Population,
    PopulationSpec,
    columns_for,
    csv_lines,
    csvw_metadata,
    in_blocks,
    is_listed,
    json_chunks,
    pdf_column_widths,
    published_values,
    row_for,
    top_skills_summary,
)

F = ConsentField


def person(consented: set[ConsentField], **values: str) -> Person:
    full = dict.fromkeys(F, "") | {F(k): v for k, v in values.items()}
    return Person(user_id=1, values=full, consented=frozenset(consented))


def test_only_consented_fields_are_published():
    someone = person({F.NAME}, name="Ada", organisation="Secret Org")
    assert published_values(someone) == {F.NAME: "Ada"}


def test_a_consented_field_without_a_value_does_not_list_the_person():
    assert not is_listed(person({F.REGION}, name="Ada"))
    assert is_listed(person({F.REGION}, region="London"))


def test_columns_follow_the_fixed_order_whatever_the_consent_order():
    assert columns_for([F.TOP_SKILLS, F.NAME, F.SECTOR]) == [F.NAME, F.SECTOR, F.TOP_SKILLS]


def test_a_cell_is_empty_where_the_person_did_not_agree():
    someone = person({F.NAME}, name="Ada", organisation="Secret Org")
    assert row_for(someone, [F.NAME, F.ORGANISATION]) == {"name": "Ada", "organisation": ""}


def test_top_skills_are_the_three_highest_levels_ignoring_not_applicable():
    summary = top_skills_summary([("A", 2), ("B", 5), ("C", None), ("D", 4), ("E", 4)])
    assert summary == "B (level 5); D (level 4); E (level 4)"


def test_csv_stream_has_a_header_and_one_line_per_row():
    rows = [{"name": 'Ada "the first", Lovelace', "sector": "Public sector"}]
    text = "".join(csv_lines([F.NAME, F.SECTOR], rows))
    assert list(csv.reader(io.StringIO(text))) == [
        ["name", "sector"],
        ['Ada "the first", Lovelace', "Public sector"],
    ]


def test_json_stream_is_valid_json_with_and_without_people():
    for rows in ([], [{"name": "Ada"}, {"name": "Grace"}]):
        data = json.loads("".join(json_chunks({"number": 3}, [F.NAME], rows)))
        assert data["number"] == 3
        assert data["columns"] == [{"name": "name", "title": "Name"}]
        assert data["people"] == rows


def test_csvw_metadata_describes_every_column():
    metadata = csvw_metadata(
        csv_url="register-1.csv", title="Register", issued="2026-11-23", columns=[F.NAME, F.REGION]
    )
    assert metadata["@context"] == "http://www.w3.org/ns/csvw"
    assert metadata["url"] == "register-1.csv"
    columns = metadata["tableSchema"]["columns"]
    assert [(c["name"], c["titles"], c["datatype"]) for c in columns] == [
        ("name", "Name", "string"),
        ("region", "Region", "string"),
    ]


def test_a_population_round_trips_and_describes_itself():
    spec = PopulationSpec(Population.WORKSHOPS, (2, 5))
    assert PopulationSpec.from_dict(spec.as_dict()) == spec
    assert spec.describe({2: "Leeds", 5: "Cardiff"}) == "Applicants of Leeds, Cardiff"
    assert "framework" in PopulationSpec(Population.FRAMEWORK).describe()


def test_small_pieces_are_sent_in_blocks_without_losing_any():
    pieces = ["é" * 10] * 1000
    blocks = list(in_blocks(pieces, size=1000))
    assert len(blocks) == 10
    assert b"".join(blocks).decode("utf-8") == "é" * 10_000


def test_the_pdf_columns_share_the_whole_width_sector_and_region_by_their_longest_values():
    columns = [
        ConsentField.NAME,
        ConsentField.ORGANISATION,
        ConsentField.SECTOR,
        ConsentField.REGION,
    ]
    widths = pdf_column_widths(columns)
    assert abs(sum(widths) - 100) < 0.05
    assert widths[2] > widths[0] == widths[1] > widths[3]
    assert pdf_column_widths([ConsentField.REGION]) == [100.0]
