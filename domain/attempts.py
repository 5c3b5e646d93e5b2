"""Limits on guessing (a login password, a control question, a code resend): ``attempts``
guesses, then a lock for ``window`` after the last of them. An attempt is taken before the
guess is checked and kept whatever the outcome, so concurrent guesses cannot pass the limit;
a right guess clears the count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class Limit:
    scope: str
    attempts: int
    window: timedelta


@dataclass(frozen=True, slots=True)
class Taken:
    """An attempt taken: how many are left after it, or when the lock ends."""

    left: int
    until: datetime | None = None

    @property
    def locked(self) -> bool:
        return self.until is not None


async def take_attempt(uow: UnitOfWork, limit: Limit, key: str, now: datetime) -> Taken:
    """Takes one attempt (committed at once, so that it counts for everyone). ``locked`` when
    none was left; ``left`` is what remains after this one."""
    used = await uow.attempts.take(limit.scope, key, limit.attempts, limit.window, now)
    await uow.commit()
    if used is None:
        until = await locked_until(uow, limit, key, now)
        return Taken(0, until or now + limit.window)
    return Taken(limit.attempts - used)


async def locked_until(uow: UnitOfWork, limit: Limit, key: str, now: datetime) -> datetime | None:
    return await uow.attempts.locked_until(limit.scope, key, limit.attempts, limit.window, now)


async def clear_attempts(uow: UnitOfWork, limit: Limit, key: str) -> None:
    await uow.attempts.clear(limit.scope, key)
