"""Pure self-assessment logic (no Flask, no SQLAlchemy): gaps, carrying forward, comparing."""

from skillsreg.assessments.rules.access import Audience, audience_of
from skillsreg.assessments.rules.carrying import (
    CARRY_FORWARD_RULES,
    CARRY_RULES,
    CarryForwardPlan,
    CarryRule,
    CarryStatus,
    DroppedRating,
    ProposedRating,
    RatingIn,
    carry_forward,
    lowest_level,
    split_part,
)
from skillsreg.assessments.rules.comparing import (
    AssessmentComparison,
    Missing,
    RatingDelta,
    Relations,
    compare_assessments,
)
from skillsreg.assessments.rules.gaps import (
    Gap,
    GapCounts,
    GapStatus,
    GapSummary,
    WorkshopSuggestion,
    gap,
    suggest_workshops,
    summarise_gaps,
)
from skillsreg.assessments.rules.roles import WEB_GROUP_ROLES, split_roles

__all__ = [
    "CARRY_FORWARD_RULES",
    "CARRY_RULES",
    "WEB_GROUP_ROLES",
    "AssessmentComparison",
    "Audience",
    "CarryForwardPlan",
    "CarryRule",
    "CarryStatus",
    "DroppedRating",
    "Gap",
    "GapCounts",
    "GapStatus",
    "GapSummary",
    "Missing",
    "ProposedRating",
    "RatingDelta",
    "RatingIn",
    "Relations",
    "WorkshopSuggestion",
    "audience_of",
    "carry_forward",
    "compare_assessments",
    "gap",
    "lowest_level",
    "split_part",
    "split_roles",
    "suggest_workshops",
    "summarise_gaps",
]
