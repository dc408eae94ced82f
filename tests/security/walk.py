"""Walk the URL map and the forms of pages, so security tests cover new pages by themselves."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from bs4 import BeautifulSoup
from flask import Flask
from werkzeug.datastructures import MultiDict

from skillsreg.extensions import db

SAMPLE = {"int": "1", "default": "x", "path": "x", "string": "x", "any": None}


def sample_url(rule: Any) -> str | None:
    """The rule's URL with sample values ("1", "x"); None if a converter refuses them."""
    values = {}
    for name in rule.arguments:
        converter = rule._converters.get(name)
        if converter is None:  # given by the rule's defaults
            continue
        kind = type(converter).__name__.removesuffix("Converter").lower()
        if kind == "any":
            values[name] = next(iter(converter.items))
        else:
            values[name] = SAMPLE.get("int" if kind in ("integer", "int") else "default")
    try:
        return rule.build(values, append_unknown=False)[1]
    except (ValueError, TypeError):
        return None


def filled_urls(app, values):
    """Every (endpoint, url, methods) of the map whose parameters `values` can all fill.

    `values` maps a parameter name to candidate values; each combination gives one URL.
    """
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        names = sorted(rule.arguments)
        if not names or any(name not in values for name in names):
            continue
        for combination in itertools.product(*(values[name] for name in names)):
            try:
                url = rule.build(dict(zip(names, combination, strict=True)), append_unknown=False)
            except (ValueError, TypeError):
                continue  # a value the converter refuses (a slug where an int goes)
            if url is not None:
                yield rule.endpoint, url[1], rule.methods - {"HEAD", "OPTIONS"}


def post_rules(app: Flask) -> Iterator[tuple[str, str]]:
    """(endpoint, url) of every rule that accepts POST."""
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods:
            url = sample_url(rule)
            if url is not None:
                yield rule.endpoint, url


def parameterless_pages(app: Flask) -> list[str]:
    """URLs of every GET rule without parameters."""
    skip = {"static", "accounts.sign_out"}
    return sorted(
        {
            rule.rule
            for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and not rule.arguments and rule.endpoint not in skip
        }
    )


def row_counts() -> dict[str, int]:
    """How many rows each table of the database holds, through the test's session."""
    existing = set(sa.inspect(db.session.connection()).get_table_names())
    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table)) or 0
        for table in db.metadata.sorted_tables
        if table.name in existing
    }


@dataclass
class PostForm:
    """A <form method=post> of a page: where it goes and the values a person would send."""

    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    text_fields: list[str] = field(default_factory=list)

    def filled(self, text: str, *, only: str | None = None) -> dict[str, list[str]]:
        """The form's values with every text field (or only one) set to `text`."""
        values = {name: list(v) for name, v in self.fields.items()}
        for name in self.text_fields:
            if only is None or name == only:
                # As many values as the page has inputs of that name (a date has three).
                values[name] = [text] * len(values[name])
        return values


def post_forms(page_url: str, html: str) -> list[PostForm]:
    """Parse the page's POST forms, choosing what a person would: first option, first radio."""
    soup = BeautifulSoup(html, "html.parser")
    forms = []
    for form in soup.find_all("form"):
        if (form.get("method") or "get").lower() != "post":
            continue
        parsed = PostForm(action=form.get("action") or page_url)
        _read_inputs(form, parsed)
        for select in form.find_all("select"):
            options = [o.get("value", o.get_text()) for o in select.find_all("option")]
            chosen = next((o for o in options if o), options[0] if options else "")
            parsed.fields[select["name"]] = [chosen]
        for area in form.find_all("textarea"):
            parsed.fields[area["name"]] = [area.get_text()]
            parsed.text_fields.append(area["name"])
        forms.append(parsed)
    return forms


TEXT_TYPES = {"text", "email", "search", "url", "tel", None, ""}


def _read_inputs(form: Any, parsed: PostForm) -> None:
    for tag in form.find_all("input"):
        name, kind = tag.get("name"), (tag.get("type") or "").lower()
        if not name or kind in ("submit", "button", "file", "image"):
            continue
        if kind in ("radio", "checkbox"):
            if name not in parsed.fields:
                parsed.fields[name] = [tag.get("value", "on")]
            continue
        parsed.fields.setdefault(name, []).append(tag.get("value", ""))
        if kind in TEXT_TYPES and name != "csrf_token" and name not in parsed.text_fields:
            parsed.text_fields.append(name)


def as_form_data(values: Mapping[str, list[str]]) -> MultiDict[str, str]:
    """Values in the shape the test client posts (repeated names allowed)."""
    return MultiDict([(name, value) for name, many in values.items() for value in many])


def sample_objects(administrator: Any, member: Any, organiser: Any) -> dict[str, list[Any]]:
    """Objects whose pages have forms (a draft version, a workshop, a draft assessment…).

    Returns candidate URL parameter values by name, for `filled_urls`.
    """
    from dataclasses import replace
    from datetime import date, time, timedelta

    from skillsreg.assessments import services as assessments
    from skillsreg.config import ROOT
    from skillsreg.core.db import utcnow
    from skillsreg.frameworks import services as frameworks
    from skillsreg.workshops import services as workshops

    now = utcnow()
    shipped = ROOT / "frameworks" / "web-professionals" / "1.0.0.yaml"
    version = frameworks.import_file(shipped, now=now).version
    draft = frameworks.create_draft(version.framework, actor=organiser, now=now)
    assessment = assessments.start_assessment(
        user=administrator, version=version, role_code="web-manager",
        role_level_code="assistant", now=now,
    )  # fmt: skip
    day = date.today() + timedelta(days=10)
    details = workshops.WorkshopDetails(
        title="Payload workshop", day=day, start=time(10), end=time(16), capacity=5,
        closes_on=day - timedelta(days=3), venue="Leeds",
    )  # fmt: skip
    workshop = workshops.create_workshop(actor=organiser, details=details, now=now)
    open_workshop = workshops.create_workshop(
        actor=organiser, details=replace(details, title="Payload open workshop"), now=now
    )
    workshops.publish_workshop(open_workshop, now=now)
    interest = workshops.start_interest(administrator, now=now)  # the "about you" step's form
    workshops.choose_workshops(
        interest, workshop_ids=[open_workshop.id], wants_to_comment_on_draft=False, now=now
    )
    workshops.rank_choices(
        interest, ranks={open_workshop.id: 1}, availability={open_workshop.id: True}, now=now
    )
    db.session.commit()
    return {
        "slug": [version.framework.slug, workshop.slug],
        "version": [draft.number],
        "code": ["CONT", "content"],
        "role": ["programmer"],
        "step": ["junior"],
        "assessment_id": [assessment.id],
        "user_id": [member.id],
    }


def form_pages(app: Flask, client: Any, values: dict[str, list[Any]]) -> list[str]:
    """Pages (parameterless, or filled with `values`) that answer 200 with a POST form."""
    urls = parameterless_pages(app)
    urls += [url for _, url, methods in filled_urls(app, values) if "GET" in methods]
    found = []
    for url in dict.fromkeys(urls):
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        if any(form.text_fields for form in post_forms(url, response.get_data(as_text=True))):
            found.append(url)
    return found
