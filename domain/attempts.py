"""Limits on guessing: a login password, a control question."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta


def locked_until(failures: Iterable[datetime], attempts: int, window: timedelta) -> datetime | None:
    """``attempts`` failures within ``window`` lock further tries for ``window`` after the
    last of them. The end of the lock, if the failures make one (it may be past)."""
    times = sorted(failures)
    if len(times) < attempts:
        return None
    last = times[-1]
    in_a_row = [t for t in times if t > last - window]
    return last + window if len(in_a_row) >= attempts else None
