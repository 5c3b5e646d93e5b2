"""The fleet's gate in Redis (bot/middlewares.py RedisGate) where another process is in the
middle of a resident's update: the state it leaves in Redis is made here by a second gate
on the same Redis, as that process would."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from aiogram.fsm.storage.base import DefaultKeyBuilder, StorageKey
from aiogram.fsm.storage.redis import RedisStorage

from bot.middlewares import RedisGate, UpdateBusy
from storage.database import Delivery
from tests.fake_bot_api import until
from tests.test_statements import RedisCommands

LEASE = timedelta(seconds=90)


def in_redis(storage: object) -> RedisStorage:
    if not isinstance(storage, RedisStorage):
        pytest.skip("the fleet's gate is in Redis")
    assert isinstance(storage.key_builder, DefaultKeyBuilder)
    return storage


async def test_a_delivery_of_an_update_another_process_has_in_hand_leaves_its_dialog_alone(
    chat, fsm_storage
):
    storage = in_redis(fsm_storage)
    await chat.send("/start")
    dialog = {
        key: await storage.redis.get(key)
        async for key in storage.redis.scan_iter(f"{storage.key_builder.prefix}:*:aiogd:*")
    }
    assert dialog  # the welcome's stack and context
    # Another process took the resident's next update and is handling it.
    update = chat.last_update.model_copy(update={"update_id": chat.last_update.update_id + 1})
    resident = StorageKey(bot_id=chat.bot.id, chat_id=chat.chat.id, user_id=chat.user.id)
    other = RedisGate(storage, LEASE)
    assert await other.enter(update.update_id, resident) is Delivery.FIRST

    async with RedisCommands(storage) as redis:
        await redis.since_last()
        with pytest.raises(UpdateBusy):  # the webhook answers 503: Telegram delivers it later
            await chat.dispatcher.feed_update(chat.bot, update)
        # Only the gate's claim was tried: the dialog was neither read nor written back.
        assert await redis.since_last() == ["EVALSHA"]
    assert {key: await storage.redis.get(key) for key in dialog} == dialog
    await other.leave(update.update_id, resident, handled=True)


async def test_an_update_whose_claim_lapsed_while_it_waited_is_left_to_whoever_claims_it(
    fsm_storage,
):
    storage = in_redis(fsm_storage)
    one, two = RedisGate(storage, LEASE), RedisGate(storage, LEASE)
    resident = StorageKey(bot_id=1, chat_id=4242, user_id=4242)
    first, second = 1, 2
    assert await one.enter(first, resident) is Delivery.FIRST
    # The resident's second update waits for the lock their first holds.
    waiting = asyncio.create_task(two.enter(second, resident))
    claim = two.claim_key(second)

    async def claimed() -> bool:
        return await storage.redis.get(claim) is not None

    await until(claimed, "the second update to claim itself")
    assert not waiting.done()
    # Its claim lapses meanwhile, and a delivery of it again reaches a third process.
    await storage.redis.set(claim, "a third process", px=int(LEASE.total_seconds() * 1000))
    await one.leave(first, resident, handled=True)

    assert await waiting is Delivery.BUSY
    # It took no lock on its way out: the third process gets it.
    assert await storage.redis.get(two.lock_key(resident)) is None
    await storage.redis.delete(claim, one.claim_key(first))


async def test_a_dialog_written_by_a_task_an_update_started_is_written_after_the_update_left(
    fsm_storage,
):
    storage = in_redis(fsm_storage)
    gate = RedisGate(storage, LEASE)
    resident = StorageKey(bot_id=1, chat_id=4343, user_id=4343, destiny="aiogd:stack")
    assert await gate.enter(7, resident) is Delivery.FIRST
    later = asyncio.Event()

    async def writes_later() -> None:  # it inherits the update's context
        await later.wait()
        await storage.set_data(resident, {"intents": ["started later"]})

    task = asyncio.create_task(writes_later())
    await storage.set_data(resident, {"intents": ["the update's"]})
    assert await storage.redis.get(storage.key_builder.build(resident, "data")) is None
    await gate.leave(7, resident, handled=True)
    assert await storage.get_data(resident) == {"intents": ["the update's"]}

    later.set()
    await task
    assert await storage.get_data(resident) == {"intents": ["started later"]}
    await storage.redis.delete(storage.key_builder.build(resident, "data"), gate.claim_key(7))
