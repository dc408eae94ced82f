"""Publishing targets for release tests (the library's fake CKAN portal and WebDAV server) and
a small community of assessed members."""

import pytest

from skillsreg.accounts.rules import Sector
from tests.insight.test_services import assess
from tests.library.conftest import ckan_target, fake_ckan, make_target  # noqa: F401


@pytest.fixture
def version(db):
    from tests.assessments.test_services import import_version

    return import_version("1.0.0")


@pytest.fixture
def community(create_user, version):
    """Twelve public-sector members and three from a supplier: too few to show on their own."""
    people = [create_user(region="london") for _ in range(12)]
    people += [create_user(sector=Sector.SUPPLIER, region="wales") for _ in range(3)]
    return [assess(person, version, 1 + index % 5) for index, person in enumerate(people)]
