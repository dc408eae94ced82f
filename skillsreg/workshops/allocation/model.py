"""Plain frozen data for an allocation round, its result and its explanations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class AllocationError(ValueError):
    """A round cannot be allocated as asked; the message is fit to show an organiser."""

    def __init__(self, problems: list[str] | tuple[str, ...] | str) -> None:
        self.problems = (problems,) if isinstance(problems, str) else tuple(problems)
        self.message = " ".join(self.problems)
        super().__init__(self.message)


class SolverError(AllocationError):
    """The optimiser found no allocation (for example within the time limit)."""


@dataclass(frozen=True, slots=True)  # a large round holds many: no __dict__ each
class Workshop:
    """A workshop with a number of places and the balance the organiser wants in it."""

    id: str
    capacity: int
    target_roles: tuple[str, ...] = ()
    target_skills: tuple[str, ...] = ()
    max_sector_share: float | None = None
    max_per_organisation: int | None = None
    min_per_target_role: int = 0


@dataclass(frozen=True, slots=True)  # a large round holds many: no __dict__ each
class Choice:
    """One ranked workshop in an expression of interest (rank 1 is the first choice)."""

    workshop_id: str
    rank: int
    available: bool = True


@dataclass(frozen=True, slots=True)  # a large round holds many: no __dict__ each
class Applicant:
    """A person asking for places, with what the score needs to know about them."""

    id: str
    sector: str
    organisation: str
    roles: tuple[str, ...] = ()
    manages_web_team: bool = False
    years_managing: int = 0
    attended_before: bool = False
    skills: dict[str, int] = field(default_factory=dict, hash=False)
    choices: tuple[Choice, ...] = ()
    submitted_at: str = ""


@dataclass(frozen=True)
class Weights:
    """Weights of the score; see the formula in `scoring`."""

    preference: float = 10.0
    manages_web_team: float = 4.0
    years_managing: float = 2.0
    role_match: float = 3.0
    skill_match: float = 3.0
    newcomer: float = 2.0
    role_shortfall: float = 100.0
    rank_horizon: int = 5
    years_cap: int = 10
    skill_level_cap: int = 4


@dataclass(frozen=True)
class Settings:
    """Options of a round: the person limit, the score weights and the solver limits."""

    max_places_per_person: int = 1
    weights: Weights = field(default_factory=Weights)
    time_limit: float = 10.0
    mip_rel_gap: float = 0.0


@dataclass(frozen=True)
class Round:
    """Everything the optimiser needs: workshops, applicants, settings and the organiser's locks."""

    id: str
    workshops: tuple[Workshop, ...]
    applicants: tuple[Applicant, ...]
    settings: Settings = field(default_factory=Settings)
    locked_in: tuple[tuple[str, str], ...] = ()
    locked_out: tuple[tuple[str, str | None], ...] = ()


@dataclass(frozen=True)
class Place:
    """A place someone was given, at the rank they gave it."""

    workshop_id: str
    rank: int
    score: float


@dataclass(frozen=True)
class Reason:
    """Why someone did not get one of their choices."""

    workshop_id: str
    rank: int
    code: str
    message: str
    competitor_id: str | None = None
    competitor_score: float | None = None
    score: float | None = None


@dataclass(frozen=True)
class Explanation:
    """What an organiser sees for one applicant: their places and why not their other choices."""

    applicant_id: str
    places: tuple[Place, ...]
    reasons: tuple[Reason, ...]
    summary: str


@dataclass(frozen=True)
class AllocationResult:
    """The outcome of one solver run, with everything needed to record and audit it."""

    status: str
    objective: float
    mip_gap: float
    solver: str
    solver_version: str
    seed: int
    assignments: dict[str, tuple[str, ...]]
    shortfalls: dict[tuple[str, str], int]
    explanations: dict[str, Explanation]
    build_seconds: float = 0.0
    solve_seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable form of the result."""
        return {
            "status": self.status,
            "objective": self.objective,
            "mip_gap": self.mip_gap,
            "solver": self.solver,
            "solver_version": self.solver_version,
            "seed": self.seed,
            "assignments": {key: list(value) for key, value in self.assignments.items()},
            "shortfalls": [
                {"workshop": workshop, "role": role, "shortfall": amount}
                for (workshop, role), amount in sorted(self.shortfalls.items())
            ],
            "explanations": {
                key: {
                    "summary": value.summary,
                    "places": [vars(place) for place in value.places],
                    "reasons": [vars(reason) for reason in value.reasons],
                }
                for key, value in self.explanations.items()
            },
        }


@dataclass(frozen=True)
class Quality:
    """How good an allocation is by the optimiser's own measure, and which rules it breaks."""

    objective: float
    first_choice_share: float
    assigned_share: float
    violations: dict[str, int]
