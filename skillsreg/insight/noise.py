"""Differentially private counts through OpenDP: the discrete Laplace (geometric) mechanism."""

from __future__ import annotations

from collections.abc import Sequence
from importlib.metadata import version

from skillsreg.insight.rules import InsightRuleError, laplace_scale


def mechanism_name() -> str:
    """The mechanism and library that made a release, recorded with it."""
    return f"discrete Laplace mechanism, OpenDP {version('opendp')}"


def noisy_counts(counts: Sequence[int], *, sensitivity: int, epsilon: float) -> list[int]:
    """The counts with discrete Laplace noise calibrated so the whole vector is epsilon-DP.

    `sensitivity` is how much one person can change the vector in total (L1). OpenDP's own
    privacy map checks the epsilon actually spent before any noise is drawn.
    """
    import opendp.prelude as dp

    # OpenDP marks its integer Laplace mechanism "contrib" (pending its formal vetting).
    dp.enable_features("contrib")
    scale = laplace_scale(sensitivity, epsilon)
    measurement = dp.m.make_laplace(
        dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int), scale=scale
    )
    spent = measurement.map(sensitivity)
    if spent > epsilon * (1 + 1e-9):
        raise InsightRuleError(f"The mechanism would spend epsilon {spent}, over {epsilon}")
    return list(measurement(list(counts)))
