"""A Telegram user stays logged in until they log out (the guide's "remember me"); a change
that a stranger with the old password must not survive ends every other session."""

from __future__ import annotations

from domain.ports import SessionNotifier, UnitOfWork


async def end_other_sessions(
    uow: UnitOfWork, sessions: SessionNotifier, profile_id: int, keep: int | None
) -> None:
    """Logs every Telegram user bound to the profile out, but ``keep``, and tells each of
    them once. Called when the password is changed or reset, the login e-mail changes, or
    the profile is deleted."""
    ended = await uow.telegram_users.unbind_others(profile_id, keep)
    await uow.commit()
    if ended:
        await sessions.sessions_ended(uow, ended)
