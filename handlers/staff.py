"""The staff group: answering an appeal by replying to its post (or through its button),
closing it, and /open. Nothing from any other chat counts."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, ForceReply, Message, ReplyParameters

from bot.i18n import joined
from bot.staff import AppealAction, StaffDesk
from domain import appeals
from domain.ports import Clock, UnitOfWork


def _member(user) -> str:
    name = " ".join(part for part in (user.first_name, user.last_name) if part)
    return f"{name} (@{user.username})" if user.username else name


async def on_reply(
    message: Message,
    bot: Bot,
    uow: UnitOfWork,
    clock: Clock,
    staff_desk: StaffDesk,
) -> None:
    """A reply to an appeal's post, or to the bot's prompt for it, is the answer."""
    assert message.reply_to_message is not None and message.from_user is not None
    appeal = await uow.appeals.by_staff_message(
        message.chat.id, message.reply_to_message.message_id
    )
    if appeal is None or appeal.id is None:
        return  # a conversation among staff, not an answer
    try:
        answered = await appeals.answer(
            uow, clock, appeal.id, message.text or "", _member(message.from_user)
        )
    except appeals.AppealNotOpen:
        await message.reply(staff_desk.text("staff-not-open", number=appeal.id))
        return
    except appeals.AppealTextInvalid as error:
        await message.reply(staff_desk.text("staff-answer-invalid", limit=error.limit))
        return
    await staff_desk.settled(bot, uow, answered)
    await message.reply(staff_desk.text("staff-answer-sent", number=answered.id))


async def on_answer_button(
    callback: CallbackQuery,
    callback_data: AppealAction,
    bot: Bot,
    uow: UnitOfWork,
    staff_desk: StaffDesk,
) -> None:
    appeal = await uow.appeals.get(callback_data.appeal_id)
    if appeal is None or appeal.staff_message_id is None:
        await callback.answer()
        return
    prompt = await bot.send_message(
        staff_desk.chat_id,
        staff_desk.text("staff-answer-prompt", number=appeal.id),
        reply_parameters=ReplyParameters(message_id=appeal.staff_message_id),
        reply_markup=ForceReply(
            selective=True, input_field_placeholder=staff_desk.text("staff-answer-placeholder")
        ),
    )
    await appeals.mark_prompted(uow, appeal, prompt.message_id)
    await callback.answer()


async def on_close_button(
    callback: CallbackQuery,
    callback_data: AppealAction,
    bot: Bot,
    uow: UnitOfWork,
    clock: Clock,
    staff_desk: StaffDesk,
) -> None:
    try:
        closed = await appeals.close(
            uow, clock, callback_data.appeal_id, _member(callback.from_user)
        )
    except (appeals.AppealNotFound, appeals.AppealNotOpen):
        await callback.answer(staff_desk.text("staff-not-open", number=callback_data.appeal_id))
        return
    await staff_desk.settled(bot, uow, closed)
    await callback.answer(staff_desk.text("staff-closed-done", number=closed.id))


async def on_open(message: Message, uow: UnitOfWork, staff_desk: StaffDesk) -> None:
    """The unanswered appeals, oldest first."""
    waiting = await uow.appeals.open()
    if not waiting:
        await message.answer(staff_desk.text("staff-open-none"))
        return
    lines = [
        staff_desk.text(
            "staff-open-line",
            number=a.id,
            kind=a.kind.value,
            date=staff_desk.local_time(a.created_at),
            text=a.text[:80] + ("…" if len(a.text) > 80 else ""),
        )
        for a in waiting[:30]
    ]
    await message.answer(staff_desk.text("staff-open", count=len(waiting), lines=joined(lines)))


def router(staff_chat_id: int) -> Router:
    router = Router(name="staff")
    router.message.filter(F.chat.id == staff_chat_id)
    router.callback_query.filter(F.message.chat.id == staff_chat_id)
    router.message.register(on_open, Command("open"))
    router.message.register(on_reply, F.reply_to_message, F.text)
    router.callback_query.register(on_answer_button, AppealAction.filter(F.action == "answer"))
    router.callback_query.register(on_close_button, AppealAction.filter(F.action == "close"))
    return router
