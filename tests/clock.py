"""The instant that tests built on fixed calendar dates run at.

Those tests take `pinned_clock` (tests/conftest.py), which runs them under
`time_machine.travel(NOW)`: the application's clock, the database rows it writes and the
dates in the test then agree, whatever day the suite is run on.
"""

from __future__ import annotations

from datetime import UTC, datetime

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # seen by the code under time_machine.travel
