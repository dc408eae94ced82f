"""Workshop place allocation: a documented score, a HiGHS MILP, explanations and baselines.

`allocate` is loaded on first use: the solver needs HiGHS and numpy, which take long to import,
and most commands and pages never solve anything. The baselines (and the explanations they use)
are loaded on first use too: `flask workshops allocate` needs neither.
"""

from typing import TYPE_CHECKING, Any

from skillsreg.workshops.allocation.document import (
    canonical_json,
    input_document,
    input_hash,
    load_schema,
    round_from_document,
    validate_document,
)
from skillsreg.workshops.allocation.model import (
    AllocationError,
    AllocationResult,
    Applicant,
    Choice,
    Explanation,
    Place,
    Quality,
    Reason,
    Round,
    Settings,
    SolverError,
    Weights,
    Workshop,
)
from skillsreg.workshops.allocation.reader import read_document
from skillsreg.workshops.allocation.scoring import score, sector_limit

if TYPE_CHECKING:
    from skillsreg.workshops.allocation.baselines import (
        best_replacement,
        evaluate,
        first_come_first_served,
        random_serial_dictatorship,
    )
    from skillsreg.workshops.allocation.solver import allocate

LAZY = {
    "allocate": "solver",
    "best_replacement": "baselines",
    "evaluate": "baselines",
    "first_come_first_served": "baselines",
    "random_serial_dictatorship": "baselines",
}


def __getattr__(name: str) -> Any:
    if name in LAZY:
        import importlib

        module = importlib.import_module(f"{__name__}.{LAZY[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AllocationError",
    "AllocationResult",
    "Applicant",
    "Choice",
    "Explanation",
    "Place",
    "Quality",
    "Reason",
    "Round",
    "Settings",
    "SolverError",
    "Weights",
    "Workshop",
    "allocate",
    "best_replacement",
    "canonical_json",
    "evaluate",
    "first_come_first_served",
    "input_document",
    "input_hash",
    "load_schema",
    "random_serial_dictatorship",
    "read_document",
    "round_from_document",
    "score",
    "sector_limit",
    "validate_document",
]
