"""The accessibility check itself: it must fail on a page with violations, scripts on or off."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from tests.e2e.helpers import check_accessibility

pytestmark = pytest.mark.e2e

INACCESSIBLE = """<!DOCTYPE html>
<html><head><title>Broken</title></head>
<body><main><h1>Broken</h1><img src="data:," id="chart"><input id="unlabelled"></main></body>
</html>"""


@pytest.mark.parametrize("scripts", [True, False], ids=["javascript", "no-javascript"])
def test_the_check_names_each_rule_its_help_and_the_elements(
    new_page: Callable[..., Page], scripts: bool
) -> None:
    page = new_page(java_script_enabled=scripts)
    page.set_content(INACCESSIBLE)

    with pytest.raises(AssertionError) as failure:
        check_accessibility(page)

    message = str(failure.value)
    assert "- html-has-lang (serious): <html> element must have a lang attribute" in message
    assert "- image-alt (critical): Images must have alternative text" in message
    assert "    #chart" in message
    assert "- label (critical): Form elements must have labels" in message
    assert "    #unlabelled" in message
