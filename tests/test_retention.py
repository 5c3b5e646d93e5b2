"""Retention (docs/privacy.md): the daily job forgets what its period has run out for, and
nothing else."""

from __future__ import annotations

import os
from datetime import timedelta

from sqlalchemy import insert, select

from bot.app import scheduler
from storage import tables as t
from tests.data import bind_resident


async def test_the_daily_run_forgets_what_its_period_ran_out_for(
    running, bot_database, settings, mailer, clock
):
    dp, bot, _session = running
    now = clock.now()
    old, recent = now - timedelta(days=400), now - timedelta(days=1)
    profile_id = await bind_resident(bot_database, 500001, accounts=1)
    async with bot_database.engine.begin() as connection:
        account_id = await connection.scalar(select(t.account_links.c.account_id).limit(1))
        for key, status, due in [
            ("sent-long-ago", "sent", old),
            ("failed-long-ago", "failed", old),
            ("sent-yesterday", "sent", recent),
            ("queued-long-ago", "queued", old),  # never sent: not the retention's to drop
        ]:
            await connection.execute(
                insert(t.notifications).values(
                    chat_id=500001,
                    kind="new-bill",
                    key=key,
                    args={},
                    status=status,
                    due_at=due,
                    created_at=due,
                )
            )
        for token, expires in [("old-code", old), ("new-code", now + timedelta(minutes=10))]:
            await connection.execute(
                insert(t.email_codes).values(
                    purpose="register",
                    email="resident@example.org",
                    code_hash="h",
                    token_hash=token,
                    created_at=expires - timedelta(minutes=15),
                    expires_at=expires,
                )
            )
        for key, at in [("old", old), ("new", recent)]:
            await connection.execute(
                insert(t.attempt_limits).values(scope="login", key=key, used=3, last_at=at)
            )
        for token, revoked in [("revoked-long-ago", old), ("revoked-now", recent), ("live", None)]:
            await connection.execute(
                insert(t.devices).values(
                    account_id=account_id,
                    profile_id=profile_id,
                    name=token,
                    token_hash=token,
                    created_at=old,
                    revoked_at=revoked,
                )
            )
    mailer.folder.mkdir(parents=True, exist_ok=True)
    kept, stale = mailer.folder / "kept.eml", mailer.folder / "stale.eml"
    for letter in (kept, stale):
        letter.write_text("Ваш код: 482913")
    stamp = (now - timedelta(days=8)).timestamp()
    os.utime(stale, (stamp, stamp))

    job = scheduler(bot, dp, bot_database, settings).get_job("forget-old-data")
    assert str(job.trigger) == "cron[hour='4']"
    await job.func(*job.args)

    async with bot_database.engine.connect() as connection:

        async def left(column):
            return sorted(await connection.scalars(select(column)))

        assert await left(t.notifications.c.key) == ["queued-long-ago", "sent-yesterday"]
        assert await left(t.email_codes.c.token_hash) == ["new-code"]
        assert await left(t.attempt_limits.c.key) == ["new"]
        assert await left(t.devices.c.name) == ["live", "revoked-now"]
    assert [p.name for p in mailer.folder.iterdir()] == ["kept.eml"]
