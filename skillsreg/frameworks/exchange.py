"""Export a framework document as spreadsheet rows or as a 1EdTech CASE 1.1 CFPackage."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

Doc = dict[str, Any]

CSV_HEADER = [
    "framework_slug",
    "version",
    "category_code",
    "category_name",
    "skill_code",
    "skill_name",
    "skill_description",
    "level",
    "level_name",
    "descriptor",
    "relation_type",
    "relation_from",
]

# Spreadsheet programs run a cell starting with these as a formula, so such text is quoted.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

ADOPTION_STATUS = {
    "draft": "Private Draft",
    "consultation": "Draft",
    "published": "Adopted",
    "retired": "Deprecated",
}
ITEM_TYPES = {
    "category": ("Category", "A group of related skills."),
    "skill": ("Skill", "A skill, with one descriptor for each level at which it applies."),
    "descriptor": ("Level descriptor", "What someone does at one level of one skill."),
}
LICENCE_URLS = {
    "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC-BY-SA-4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "OGL-UK-3.0": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
}
# Our finer relation types map onto the two CASE association types that say "this came from".
REPLACING_RELATIONS = ("changed", "split", "merged")
MATCHING_RELATIONS = ("unchanged", "reworded")
CASE_PATH = "ims/case/v1p1"
EPOCH = "1970-01-01T00:00:00Z"


def csv_rows(doc: Doc) -> Iterator[list[str]]:
    """Yield a header row, then one row per skill level, the layout spreadsheet users expect."""
    yield list(CSV_HEADER)
    categories = {category["code"]: category["name"] for category in doc["categories"]}
    level_names = {level["number"]: level["name"] for level in doc["levels"]}
    for skill in doc["skills"]:
        relation = skill.get("relation") or {"type": "", "from": []}
        for descriptor in skill["descriptors"]:
            row = [
                doc["framework"]["slug"],
                doc["version"]["number"],
                skill["category"],
                categories.get(skill["category"], ""),
                skill["code"],
                skill["name"],
                skill["description"],
                str(descriptor["level"]),
                level_names.get(descriptor["level"], ""),
                descriptor["text"],
                relation["type"],
                " ".join(relation["from"]),
            ]
            yield [_safe_cell(value) for value in row]


def _safe_cell(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


class _Ids:
    """Deterministic identifiers and URIs, so the same version always exports the same package."""

    def __init__(self, base_url: str, slug: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.slug = slug

    def uuid(self, version: str, *parts: str) -> str:
        name = "/".join([self.base_url, "frameworks", self.slug, version, *parts])
        return str(uuid.uuid5(uuid.NAMESPACE_URL, name))

    def uri(self, collection: str, identifier: str) -> str:
        return f"{self.base_url}/{CASE_PATH}/{collection}/{identifier}"

    def link(self, collection: str, identifier: str, title: str) -> dict[str, str]:
        return {"title": title, "identifier": identifier, "uri": self.uri(collection, identifier)}


def case_item_id(base_url: str, slug: str, version: str, kind: str, key: str) -> tuple[str, str]:
    """The identifier and URI the CASE export gives one item (a skill's key is its code)."""
    ids = _Ids(base_url, slug)
    identifier = ids.uuid(version, kind, key)
    return identifier, ids.uri("CFItems", identifier)


def case_item(package: dict[str, Any], identifier: str) -> dict[str, Any] | None:
    """One CFItem of an exported package, by identifier."""
    return next((i for i in package["CFItems"] if i["identifier"] == identifier), None)


def to_case(
    doc: Doc, *, base_url: str, published_at: str | None = None, parent: Doc | None = None
) -> dict[str, Any]:
    """Build a CASE 1.1 CFPackage for one version; `parent` only supplies titles for links."""
    ids = _Ids(base_url, doc["framework"]["slug"])
    version = doc["version"]["number"]
    changed_at = published_at or _change_time(doc)
    document = _cf_document(doc, ids, changed_at)
    items, associations = _tree(doc, ids, changed_at, document)
    associations += _version_links(doc, ids, changed_at, parent)
    definitions: dict[str, Any] = {
        "CFItemTypes": [_item_type(ids, version, kind, changed_at) for kind in ITEM_TYPES],
        "CFLicenses": [_licence(doc, ids, changed_at)],
    }
    if doc["version"].get("parent"):
        definitions["CFAssociationGroupings"] = [_grouping(doc, ids, changed_at)]
    return {
        "CFDocument": document,
        "CFItems": items,
        "CFAssociations": associations,
        "CFDefinitions": definitions,
    }


def _change_time(doc: Doc) -> str:
    published_on = doc["version"].get("published_on")
    return f"{published_on}T00:00:00Z" if published_on else EPOCH


def _cf_document(doc: Doc, ids: _Ids, changed_at: str) -> dict[str, Any]:
    framework, version = doc["framework"], doc["version"]
    identifier = ids.uuid(version["number"])
    licence = _licence(doc, ids, changed_at)
    document = {
        "identifier": identifier,
        "uri": ids.uri("CFDocuments", identifier),
        "frameworkType": "Skills",
        "caseVersion": "1.1",
        "creator": framework["owner"],
        "title": framework["title"],
        "lastChangeDateTime": changed_at,
        "officialSourceURL": f"{ids.base_url}/frameworks/{ids.slug}/{version['number']}",
        "publisher": framework["owner"],
        "description": framework["description"],
        "language": "en",
        "version": version["number"],
        "adoptionStatus": ADOPTION_STATUS[version["status"]],
        "licenseURI": ids.link("CFLicenses", licence["identifier"], licence["title"]),
    }
    if version.get("published_on"):
        document["statusStartDate"] = version["published_on"]
    if version.get("release_notes"):
        document["notes"] = version["release_notes"]
    return document


def _item(
    ids: _Ids, version: str, kind: str, key: str, changed_at: str, **fields: Any
) -> dict[str, Any]:
    identifier = ids.uuid(version, kind, key)
    type_title = ITEM_TYPES[kind][0]
    return {
        "identifier": identifier,
        "uri": ids.uri("CFItems", identifier),
        "CFItemType": type_title,
        "CFItemTypeURI": ids.link("CFItemTypes", ids.uuid(version, "item-types", kind), type_title),
        "language": "en",
        "lastChangeDateTime": changed_at,
        **fields,
    }


def _tree(
    doc: Doc, ids: _Ids, changed_at: str, document: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    version = doc["version"]["number"]
    items: list[dict[str, Any]] = []
    associations: list[dict[str, Any]] = []

    def add(item: dict[str, Any], parent: dict[str, str], order: int) -> None:
        items.append(item)
        associations.append(
            _association(ids, version, "isChildOf", _node(item), parent, order)
            | {"lastChangeDateTime": changed_at}
        )

    root = {
        "identifier": document["identifier"],
        "uri": document["uri"],
        "title": document["title"],
    }
    categories = {}
    for order, category in enumerate(doc["categories"], start=1):
        categories[category["code"]] = _category_item(ids, version, category, changed_at)
        add(categories[category["code"]], root, order)
    for order, skill in enumerate(doc["skills"], start=1):
        skill_item = _skill_item(ids, version, skill, changed_at)
        add(skill_item, _node(categories[skill["category"]]), order)
        for descriptor in skill["descriptors"]:
            descriptor_item = _descriptor_item(ids, doc, skill, descriptor, changed_at)
            add(descriptor_item, _node(skill_item), descriptor["level"])
    return items, associations


def _node(item: dict[str, Any]) -> dict[str, str]:
    title = item.get("abbreviatedStatement") or item["fullStatement"]
    return {"title": title, "identifier": item["identifier"], "uri": item["uri"]}


def _association(
    ids: _Ids,
    version: str,
    association_type: str,
    origin: dict[str, str],
    destination: dict[str, str],
    order: int | None = None,
) -> dict[str, Any]:
    key = f"{association_type}/{origin['identifier']}/{destination['identifier']}"
    identifier = ids.uuid(version, "associations", key)
    association: dict[str, Any] = {
        "identifier": identifier,
        "associationType": association_type,
        "uri": ids.uri("CFAssociations", identifier),
        "originNodeURI": origin,
        "destinationNodeURI": destination,
    }
    if order is not None:
        association["sequenceNumber"] = order
    return association


def _category_item(ids: _Ids, version: str, category: Doc, changed_at: str) -> dict[str, Any]:
    return _item(
        ids,
        version,
        "category",
        category["code"],
        changed_at,
        fullStatement=category["description"] or category["name"],
        abbreviatedStatement=category["name"],
        humanCodingScheme=category["code"],
    )


def _skill_item(ids: _Ids, version: str, skill: Doc, changed_at: str) -> dict[str, Any]:
    extra = {"notes": skill["guidance"]} if skill.get("guidance") else {}
    return _item(
        ids,
        version,
        "skill",
        skill["code"],
        changed_at,
        fullStatement=skill["description"],
        abbreviatedStatement=skill["name"],
        humanCodingScheme=skill["code"],
        **extra,
    )


def _descriptor_item(
    ids: _Ids, doc: Doc, skill: Doc, descriptor: Doc, changed_at: str
) -> dict[str, Any]:
    level = descriptor["level"]
    level_name = next((lv["name"] for lv in doc["levels"] if lv["number"] == level), str(level))
    return _item(
        ids,
        doc["version"]["number"],
        "descriptor",
        f"{skill['code']}/{level}",
        changed_at,
        fullStatement=descriptor["text"],
        abbreviatedStatement=f"{skill['name']}: level {level}, {level_name}",
        humanCodingScheme=f"{skill['code']}.{level}",
        listEnumeration=str(level),
    )


def _version_links(
    doc: Doc, ids: _Ids, changed_at: str, parent: Doc | None
) -> list[dict[str, Any]]:
    parent_version = doc["version"].get("parent")
    if not parent_version:
        return []
    version = doc["version"]["number"]
    parent_names = {skill["code"]: skill["name"] for skill in (parent or {}).get("skills", [])}
    grouping = _grouping(doc, ids, changed_at)
    group_link = ids.link("CFAssociationGroupings", grouping["identifier"], grouping["title"])
    links = []
    for skill in doc["skills"]:
        relation = skill.get("relation") or {"type": "new", "from": []}
        child = _node(_skill_item(ids, version, skill, changed_at))
        for code in relation["from"]:
            old_id = ids.uuid(parent_version, "skill", code)
            old = ids.link("CFItems", old_id, parent_names.get(code, code))
            link = _relation_link(ids, version, relation["type"], old, child)
            links.append(
                link
                | {
                    "CFAssociationGroupingURI": group_link,
                    "lastChangeDateTime": changed_at,
                    "notes": f"{relation['type'].capitalize()}: {code} in version "
                    f"{parent_version} became {skill['code']} in version {version}",
                }
            )
    return links


def _relation_link(
    ids: _Ids, version: str, kind: str, old: dict[str, str], new: dict[str, str]
) -> dict[str, Any]:
    if kind in REPLACING_RELATIONS:
        return _association(ids, version, "replacedBy", old, new)
    return _association(ids, version, "exactMatchOf", new, old)


def _item_type(ids: _Ids, version: str, kind: str, changed_at: str) -> dict[str, Any]:
    identifier = ids.uuid(version, "item-types", kind)
    title, description = ITEM_TYPES[kind]
    return {
        "identifier": identifier,
        "uri": ids.uri("CFItemTypes", identifier),
        "title": title,
        "description": description,
        "hierarchyCode": str(list(ITEM_TYPES).index(kind) + 1),
        "typeCode": kind,
        "lastChangeDateTime": changed_at,
    }


def _licence(doc: Doc, ids: _Ids, changed_at: str) -> dict[str, Any]:
    name = doc["framework"]["licence"]
    identifier = ids.uuid(doc["version"]["number"], "licence")
    url = LICENCE_URLS.get(name)
    text = f"Licensed under {name}" + (f": {url}" if url else ".")
    return {
        "identifier": identifier,
        "uri": ids.uri("CFLicenses", identifier),
        "title": name,
        "licenseText": text,
        "lastChangeDateTime": changed_at,
    }


def _grouping(doc: Doc, ids: _Ids, changed_at: str) -> dict[str, Any]:
    version = doc["version"]
    identifier = ids.uuid(version["number"], "groupings", "changes")
    return {
        "identifier": identifier,
        "uri": ids.uri("CFAssociationGroupings", identifier),
        "title": f"Changes since version {version['parent']}",
        "description": f"How the skills of version {version['number']} relate to those "
        f"of version {version['parent']}",
        "lastChangeDateTime": changed_at,
    }
