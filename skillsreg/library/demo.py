"""Demonstration documents for the library: the seed "grey literature" and a framework export."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from skillsreg.accounts.services import find_user_by_email
from skillsreg.extensions import db
from skillsreg.frameworks.models import Framework, FrameworkVersion, VersionStatus
from skillsreg.frameworks.services import export_version
from skillsreg.library.models import Document, DocumentKind, DocumentVersion, LibraryDownload
from skillsreg.library.publishing import PublishedFile, document_by_key, publish_to_library

DEMO_OWNER = "organiser@example.gov.uk"
# The seed paper was the library's first document, added about eleven months ago.
SEED_AGE = timedelta(days=330)
# Demo downloads a week, on average, of a document of each kind.
WEEKLY_DOWNLOADS = {
    DocumentKind.COMMUNITY_DOCUMENT: 4.0,
    DocumentKind.FRAMEWORK_EXPORT: 6.0,
    DocumentKind.REGISTER_SNAPSHOT: 3.0,
    DocumentKind.WORKSHOP_MATERIALS: 2.0,
}
DOWNLOAD_WINDOW = timedelta(days=365)


@dataclass(frozen=True)
class SeedDocument:
    key: str
    title: str
    tags: list[str]
    summary: str
    file: str
    body: str


# The seed is a catalogue record whose abstract is the repository's copyright: the library
# holds a short summary of our own with the citation, not the paper or its abstract.
GREY_LITERATURE = [
    SeedDocument(
        key="grey-literature-leask-constable-2008",
        title=(
            "Web 2.0, online communities of practice, professional learning and research "
            "impact: Year 1 data from a national initiative"
        ),
        tags=["communities of practice", "grey literature", "local government", "research"],
        summary=(
            "Leask and Constable (2008) report the first year of the Communities of Practice "
            "for local government initiative in England: over 200 online communities with "
            "nearly 7,000 members. They find gains in just-in-time learning and in sharing "
            "grey literature, the documents organisations produce but rarely publish."
        ),
        file="leask-constable-2008-summary.md",
        body="""# Online communities of practice: Year 1 data (Leask and Constable, 2008)

Leask, M. and Constable, H. (2008). *Web 2.0, online communities of practice, professional
learning and research impact: Year 1 data from a national initiative.* IFIP WG 3.5, Valuing
Individual and Shared Learning: The Role of ICT. Prague, Czech Republic, 23-26 June 2008.
Charles University. Held in BURA (Brunel University Research Archive), Dept of Education
Research Papers.

## Summary (written for this library)

- The paper looks at the first year of a national knowledge-management initiative, supported
  by the Improvement and Development Agency for local government (IDeA), that gave people
  improving local services online communities of practice built with web 2.0 tools.
- More than 200 communities with nearly 7,000 members were set up in that year: practitioners,
  senior managers, councillors and policy makers from central, local and regional government.
- Data came from web statistics of all communities, telephone interviews with facilitators and
  contributors of the 9 busiest, and the documents kept in the communities' workspaces.
- The authors report gains in just-in-time learning and in sharing and creating knowledge,
  notably "grey literature": strategy papers and similar documents organisations produce at
  real cost but do not normally publish.
- They conclude that online communities linking research, practice and policy remove blockages
  in knowledge transfer, and help new staff find the key debates and documents of their field.

Why it is here: this library exists to keep exactly that kind of document findable.
The full paper is protected by copyright; find it in BURA under the citation above.
""",
    ),
]


def _published_versions() -> list[FrameworkVersion]:
    """The latest published version of each framework."""
    versions = db.session.scalars(
        sa.select(FrameworkVersion)
        .join(Framework, FrameworkVersion.framework_id == Framework.id)
        .where(FrameworkVersion.status == VersionStatus.PUBLISHED)
        .order_by(Framework.slug, FrameworkVersion.published_at.desc())
    ).all()
    latest: dict[int, FrameworkVersion] = {}
    for version in versions:
        latest.setdefault(version.framework_id, version)
    return list(latest.values())


def _framework_export(version: FrameworkVersion, *, base_url: str) -> list[PublishedFile]:
    stem = f"{version.framework.slug}-{version.number}"
    return [
        PublishedFile(
            name=f"{stem}.csv",
            media_type="text/csv",
            content=export_version(version, "csv", base_url=base_url).encode(),
        ),
        PublishedFile(
            name=f"{stem}.json",
            media_type="application/json",
            content=export_version(version, "json", base_url=base_url).encode(),
        ),
        PublishedFile(
            name=f"{stem}-case.json",
            media_type="application/json",
            content=export_version(version, "case", base_url=base_url).encode(),
        ),
    ]


def load_demo_documents(now: datetime, *, base_url: str) -> list[Document]:
    """Add the demo documents not in the library yet; return every demo document."""
    owner = find_user_by_email(DEMO_OWNER)
    documents = []
    for seed in GREY_LITERATURE:
        document = document_by_key(seed.key) or publish_to_library(
            key=seed.key,
            title=seed.title,
            summary=seed.summary,
            tags=seed.tags,
            files=[PublishedFile(seed.file, "text/markdown", seed.body.encode())],
            actor=owner,
            now=now - SEED_AGE,
            kind=DocumentKind.COMMUNITY_DOCUMENT,
        )
        documents.append(document)
    for version in _published_versions():
        key = f"framework-{version.framework.slug}-{version.number}"
        document = document_by_key(key) or publish_to_library(
            key=key,
            title=f"{version.framework.title}, version {version.number}: export",
            summary=(
                f"The published version {version.number} of {version.framework.title} as CSV "
                "(a row per skill level), JSON, and a CASE 1.1 CFPackage."
            ),
            tags=["framework", version.framework.slug],
            files=_framework_export(version, base_url=base_url),
            actor=owner,
            now=now,
            kind=DocumentKind.FRAMEWORK_EXPORT,
        )
        documents.append(document)
    return documents


def _version_at(document: Document, at: datetime) -> DocumentVersion:
    """The newest version already added at `at` (versions are newest first)."""
    return next((v for v in document.versions if v.created_at <= at), document.versions[-1])


def load_demo_downloads(now: datetime) -> int:
    """Scatter downloads over the last year of each served document that has none yet.

    Each document is downloaded from when it was added until `now`, a little more often
    lately, at a steady rate for its kind; the same document always gets the same scatter.
    """
    counted = set(db.session.scalars(sa.select(LibraryDownload.document_id).distinct()))
    documents = db.session.scalars(
        sa.select(Document).where(Document.withdrawn_at.is_(None)).order_by(Document.id)
    ).all()
    added = 0
    for document in documents:
        if document.id in counted or not document.versions:
            continue
        seed = document.key or f"document-{document.id}"
        rng = random.Random(seed)  # noqa: S311 - made-up demonstration data, not secrets
        start = max(document.created_at, now - DOWNLOAD_WINDOW)
        seconds = max((now - start).total_seconds(), 0.0)
        weeks = seconds / timedelta(weeks=1).total_seconds()
        count = round(weeks * WEEKLY_DOWNLOADS[document.kind] * rng.uniform(0.6, 1.4))
        for _ in range(count):
            at = start + timedelta(seconds=seconds * rng.random() ** 0.7)
            version = _version_at(document, at)
            db.session.add(
                LibraryDownload(
                    document_id=document.id, document_version_id=version.id, downloaded_at=at
                )
            )
        added += count
    db.session.flush()
    return added
