"""`flask insight release` and pushing releases to publishing targets through the queue."""

from __future__ import annotations

import pytest

from skillsreg.insight import queries
from tests.insight.test_services import assess


@pytest.fixture
def version(db):
    from tests.assessments.test_services import import_version

    return import_version("1.0.0")


def test_the_command_makes_a_release_and_reports_the_budget_left(runner, create_user, version):
    assess(create_user(), version, 3)

    result = runner.invoke(args=["insight", "release"])

    assert result.exit_code == 0, result.output
    assert "Release 1 published (epsilon 2; 4 left)" in result.output
    assert [r.number for r in queries.releases()] == [1]


def test_the_command_refuses_once_the_budget_is_spent(runner, app, version):
    app.config.update(INSIGHT_EPSILON_TOTAL=2.0)
    try:
        assert runner.invoke(args=["insight", "release"]).exit_code == 0
        result = runner.invoke(args=["insight", "release"])
    finally:
        app.config.update(INSIGHT_EPSILON_TOTAL=6.0)

    assert result.exit_code == 1
    assert "budget is spent" in result.output


def test_a_release_by_an_organiser_is_pushed_to_ckan_by_the_queue(
    runner, organiser, version, ckan_target, fake_ckan, run_jobs
):
    portal, _server = fake_ckan

    result = runner.invoke(args=["insight", "release", "--by", organiser.email])
    assert "1 push(es) queued" in result.output
    run_jobs()

    dataset = portal.dataset_named("skills-insight-release-1")
    assert dataset is not None
    assert dataset["title"] == "Community skills release 1"
    names = {resource["name"] for resource in dataset["resources"]}
    assert "community-skills-release-1.csv-metadata.json" in names
    assert portal.file("skills-insight-release-1", "community-skills-release-1.csv")
    assert "Differentially private" in dataset["notes"]
    described = {resource["name"]: resource["description"] for resource in dataset["resources"]}
    assert described["community-skills-release-1.csv"] == "The data as CSV"
