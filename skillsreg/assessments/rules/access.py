"""Who may see a self-assessment: one rule for every page, file and role."""

from __future__ import annotations

import enum


class Audience(enum.Enum):
    """Why someone may see an assessment: the only three reasons there are."""

    OWNER = "owner"
    LINK_HOLDER = "link holder"
    ORGANISER = "organiser"


def audience_of(
    *,
    owner_id: int,
    viewer_id: int | None,
    is_submitted: bool,
    holds_live_link: bool = False,
    viewer_is_organiser: bool = False,
    shared_in_interest: bool = False,
) -> Audience | None:
    """Who may see an assessment, its evidence and its PDF; None means nobody else may.

    The owner sees every assessment (drafts too); anyone holding a live share link sees that
    submitted assessment; organisers (administrators included, with no more rights) see a
    submitted assessment only while its owner shares it in a submitted expression of interest.
    """
    if viewer_id is not None and viewer_id == owner_id:
        return Audience.OWNER
    if not is_submitted:
        return None
    if holds_live_link:
        return Audience.LINK_HOLDER
    if viewer_is_organiser and shared_in_interest:
        return Audience.ORGANISER
    return None
