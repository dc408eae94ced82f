"""SVG charts: readable without colour, labelled for screen readers, escaped."""

from __future__ import annotations

from bs4 import BeautifulSoup

from skillsreg.insight.charts import Segment, bar_chart, share_chart


def test_a_share_chart_tells_parts_apart_by_pattern_and_labels_them():
    svg = share_chart(
        "chart-x",
        "Skills <against> expectations",
        [
            (
                "Writing",
                [
                    Segment("Below", 40, "hatch"),
                    Segment("Meets", 35, "solid"),
                    Segment("Above", 25, "dots"),
                ],
            )
        ],
    )
    soup = BeautifulSoup(svg, "html.parser")

    assert soup.svg["role"] == "img"
    assert soup.svg["aria-labelledby"] == "chart-x-title chart-x-desc"
    assert soup.find("title", id="chart-x-title").get_text() == "Skills <against> expectations"
    fills = {rect["fill"] for rect in soup.select("rect[stroke]")}
    assert {"url(#chart-x-hatch)", "url(#chart-x-dots)", "#505a5f"} <= fills
    assert "40%" in soup.get_text()


def test_a_hidden_row_says_so_instead_of_drawing_a_bar():
    svg = share_chart("chart-y", "t", [("Tiny group", [Segment("Below", None, "hatch")])])

    assert "Hidden: too few people" in svg


def test_a_bar_chart_gives_each_number_in_text():
    soup = BeautifulSoup(
        bar_chart("chart-z", "People", [("2026-01", 7), ("2026-02", None)]), "html.parser"
    )

    texts = [t.get_text() for t in soup.find_all("text")]
    assert "7" in texts
    assert "Hidden: too few people" in texts
