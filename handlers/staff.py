"""The staff group, in one place: each appeal is posted there with buttons to answer and to
close (``StaffDesk``, the domain's AppealNotifier); a reply to the post, or to the bot's
prompt, answers it; /open lists what waits. Nothing from any other chat counts."""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.filters import Command, CommandObject
from aiogram.filters.callback_data import CallbackData
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    ForceReply,
    InlineKeyboardMarkup,
    Message,
    ReplyParameters,
    User,
)
from aiogram.utils.keyboard import InlineKeyboardBuilder
from pydantic import Field

from dialogs.widgets import button_id
from domain import appeals, readings
from domain.errors import AppealNotFound, AppealNotOpen, AppealTextInvalid
from domain.model import Appeal, AppealStatus, AttachmentKind, CloseReason, NotificationStatus
from domain.ports import Clock, UnitOfWork
from domain.validation import MAX_ID
from rendering.texts import (
    Html,
    TextCore,
    format_name,
    joined,
    shorten,
    split_pages,
    utf16_length,
)

logger = logging.getLogger(__name__)

MESSAGE_LIMIT = 4096  # UTF-16 units Telegram takes in one message
POST_TEXT = 3000  # UTF-16 units of an appeal's text in a post that would be over the limit
OPEN_LISTED = 30  # appeals /open shows; the count says how many wait in all
OPEN_TEXT = 80  # characters of each appeal's text in that list
BROADCASTS_LISTED = 10  # the latest runs /broadcasts shows


class AppealAction(CallbackData, prefix="appeal"):
    # "answer"; "close" asks for a reason, "close" with one closes; "keep" takes it back.
    action: str
    appeal_id: int = Field(ge=0, le=MAX_ID)  # a forged one out of range matches no handler
    reason: CloseReason | None = None


class StaffDesk:
    """What the bot says in the staff group, in the utility's language. The bot is attached
    at start-up."""

    def __init__(
        self,
        core: TextCore,
        chat_id: int | None,
        locale: str,
        clock: Clock,
    ) -> None:
        self.core = core
        self.chat_id = chat_id
        self.locale = locale
        self.clock = clock
        self.bot: Bot | None = None

    async def attach(self, bot: Bot) -> None:
        """For ``dp.startup``: the bot that posts."""
        self.bot = bot

    def text(self, key: str, **args) -> Html:
        return self.core.get(key, self.locale, **args)

    async def post_text(
        self, uow: UnitOfWork, appeal: Appeal, text_limit: int | None = None
    ) -> Html:
        """The post; with ``text_limit``, the appeal's text and its answer each cut to that
        many UTF-16 units."""
        assert appeal.id is not None
        account = await uow.accounts.get(appeal.account_id)
        if appeal.forgotten_at is not None:
            return self.text(
                "staff-post-forgotten",
                number=appeal.id,
                kind=appeal.kind.value,
                date=self.clock.local(appeal.created_at),
                account=account.number if account else "—",
                at=self.clock.local(appeal.forgotten_at),
            )
        profile = await uow.profiles.get(appeal.profile_id) if appeal.profile_id else None
        supplier = await uow.suppliers.get(appeal.supplier_id)
        status = ""
        if appeal.answered_at is not None:
            status = self.text(
                "staff-answered" if appeal.status is AppealStatus.ANSWERED else "staff-closed",
                who=appeal.answered_by or "",
                at=self.clock.local(appeal.answered_at),
                answer=shorten(appeal.answer or "", text_limit or MESSAGE_LIMIT),
                reason=appeal.closed_for,
            )
        return self.text(
            "staff-post",
            number=appeal.id,
            kind=appeal.kind.value,
            date=self.clock.local(appeal.created_at),
            name=format_name(profile.surname, profile.name, profile.patronymic, self.locale)
            if profile
            else "—",
            phone=(profile.phone or "—") if profile else "—",
            email=profile.email if profile else "—",
            account=account.number if account else "—",
            address=account.address if account else "—",
            supplier=supplier.name if supplier else "—",
            text=shorten(appeal.text, text_limit) if text_limit else appeal.text,
            files=len(appeal.attachments),
            status=status,
        )

    def settled_already(self, appeal: Appeal) -> Html:
        """For a staff member who came second: who settled the appeal first, and when."""
        if appeal.answered_at is None:
            return self.text("staff-not-open", number=appeal.id)
        return self.text(
            "staff-settled-by",
            number=appeal.id,
            status=appeal.status.value,
            who=appeal.answered_by or "",
            at=self.clock.local(appeal.answered_at),
        )

    def keyboard(self, appeal: Appeal) -> InlineKeyboardMarkup | None:
        if appeal.status is not AppealStatus.OPEN:
            return None
        assert appeal.id is not None
        builder = InlineKeyboardBuilder()
        builder.button(
            text=self.text("staff-answer-button"),
            callback_data=AppealAction(action="answer", appeal_id=appeal.id),
        )
        builder.button(
            text=self.text("staff-close-button"),
            callback_data=AppealAction(action="close", appeal_id=appeal.id),
        )
        return builder.as_markup()

    def reasons(self, appeal_id: int) -> InlineKeyboardMarkup:
        """The post's keyboard once "close" is pressed: why, or not to close after all."""
        builder = InlineKeyboardBuilder()
        for reason in CloseReason:
            builder.button(
                text=self.text("staff-close-reason", reason=reason.value),
                callback_data=AppealAction(action="close", appeal_id=appeal_id, reason=reason),
            )
        builder.button(
            text=self.text("staff-close-keep"),
            callback_data=AppealAction(action="keep", appeal_id=appeal_id),
        )
        builder.adjust(1)
        return builder.as_markup()

    async def filed(self, uow: UnitOfWork, appeal: Appeal) -> bool:
        """Posts the appeal with its attachments; False (and kept for a retry) when the group
        cannot be reached."""
        bot = self.bot
        if bot is None or self.chat_id is None or appeal.staff_message_id is not None:
            return False
        text, cut = await self._fitting_post(uow, appeal)
        try:
            try:
                post = await bot.send_message(
                    self.chat_id, text, reply_markup=self.keyboard(appeal)
                )
            except TelegramBadRequest as error:
                # Telegram will never take this post: staff hear of the appeal once, in a
                # short post they can reply to, with its text in a file.
                logger.warning("appeal %s refused by Telegram: %s", appeal.id, error)
                post = await bot.send_message(
                    self.chat_id,
                    self.text("staff-post-refused", number=appeal.id, reason=error.message),
                    reply_markup=self.keyboard(appeal),
                )
                cut = True
        except TelegramAPIError as error:
            logger.warning("appeal %s not posted to the staff group: %s", appeal.id, error)
            return False
        # Recorded before the rest goes: a failure after this point posts nothing twice.
        await appeals.mark_posted(uow, appeal, self.chat_id, post.message_id)
        below_post = ReplyParameters(message_id=post.message_id)
        if cut:
            whole = BufferedInputFile(appeal.text.encode(), filename=f"appeal-{appeal.id}.txt")
            try:
                await bot.send_document(self.chat_id, whole, reply_parameters=below_post)
            except TelegramAPIError as error:
                logger.warning("text of appeal %s not posted: %s", appeal.id, error)
        for attachment in appeal.attachments:
            send = bot.send_photo if attachment.kind is AttachmentKind.PHOTO else bot.send_document
            try:
                await send(self.chat_id, attachment.file_id, reply_parameters=below_post)
            except TelegramAPIError as error:
                logger.warning("attachment of appeal %s not posted: %s", appeal.id, error)
        return True

    async def _fitting_post(self, uow: UnitOfWork, appeal: Appeal) -> tuple[Html, bool]:
        """The post, and whether its text had to be cut to fit one Telegram message (counted
        in UTF-16 units after escaping; the whole text then follows as a file)."""
        text = await self.post_text(uow, appeal)
        limit = POST_TEXT
        while utf16_length(text) > MESSAGE_LIMIT and limit > 0:
            text = await self.post_text(uow, appeal, text_limit=limit)
            limit //= 2  # escaping ("&" is "&amp;") can make a cut text longer than its limit
        return text, limit != POST_TEXT

    async def prompt_answer(self, appeal: Appeal) -> int | None:
        if self.bot is None or self.chat_id is None or appeal.staff_message_id is None:
            return None
        prompt = await self.bot.send_message(
            self.chat_id,
            self.text("staff-answer-prompt", number=appeal.id),
            reply_parameters=ReplyParameters(message_id=appeal.staff_message_id),
            reply_markup=ForceReply(
                selective=True, input_field_placeholder=self.text("staff-answer-placeholder")
            ),
        )
        return prompt.message_id

    async def settled(self, uow: UnitOfWork, appeal: Appeal) -> None:
        """The resident's news of it is queued with the answer (domain.appeals)."""
        await self._refresh(uow, appeal)

    async def _refresh(self, uow: UnitOfWork, appeal: Appeal) -> None:
        """Shows in the post that the appeal was answered or closed."""
        if self.bot is None or appeal.staff_chat_id is None or appeal.staff_message_id is None:
            return
        try:
            text, _cut = await self._fitting_post(uow, appeal)
            await self.bot.edit_message_text(
                text,
                chat_id=appeal.staff_chat_id,
                message_id=appeal.staff_message_id,
                reply_markup=None,
            )
        except TelegramAPIError as error:
            logger.warning("post of appeal %s not updated: %s", appeal.id, error)


def _member(user: User) -> str:
    name = " ".join(part for part in (user.first_name, user.last_name) if part)
    return f"{name} (@{user.username})" if user.username else name


async def on_reply(message: Message, uow: UnitOfWork, clock: Clock, staff_desk: StaffDesk) -> None:
    """A reply to an appeal's post, or to the bot's prompt for it, is the answer."""
    assert message.reply_to_message is not None and message.from_user is not None
    try:
        answered = await appeals.answer_post(
            uow,
            clock,
            staff_desk,
            message.chat.id,
            message.reply_to_message.message_id,
            message.text or "",
            _member(message.from_user),
        )
    except AppealNotFound:
        return  # a conversation among staff, not an answer
    except AppealNotOpen as error:
        await message.reply(staff_desk.settled_already(error.appeal))
        return
    except AppealTextInvalid as error:
        await message.reply(staff_desk.text("staff-answer-invalid", limit=error.limit))
        return
    await message.reply(staff_desk.text("staff-answer-sent", number=answered.id))


async def _refused(callback: CallbackQuery, staff_desk: StaffDesk, error: Exception) -> None:
    """A button of an appeal settled or gone: who settled it first, or that it is closed."""
    if isinstance(error, AppealNotOpen):
        await callback.answer(staff_desk.settled_already(error.appeal))
    else:
        assert isinstance(error, AppealNotFound)
        await callback.answer(staff_desk.text("staff-not-open", number=error.args[0]))


async def on_answer_button(
    callback: CallbackQuery, callback_data: AppealAction, uow: UnitOfWork, staff_desk: StaffDesk
) -> None:
    try:
        await appeals.prompt_answer(uow, staff_desk, callback_data.appeal_id)
    except (AppealNotOpen, AppealNotFound) as error:
        await _refused(callback, staff_desk, error)
        return
    await callback.answer()


async def on_close_button(
    callback: CallbackQuery,
    callback_data: AppealAction,
    uow: UnitOfWork,
    clock: Clock,
    staff_desk: StaffDesk,
) -> None:
    """Closing takes two taps: the first shows the reasons, the second closes for the one
    chosen."""
    appeal_id, reason = callback_data.appeal_id, callback_data.reason
    try:
        if reason is None:
            await appeals.open_appeal(uow, appeal_id)
            await _show(callback, staff_desk.reasons(appeal_id))
            return
        closed = await appeals.close(
            uow, clock, staff_desk, appeal_id, _member(callback.from_user), reason
        )
    except (AppealNotOpen, AppealNotFound) as error:
        await _refused(callback, staff_desk, error)
        return
    await callback.answer(staff_desk.text("staff-closed-done", number=closed.id))


async def on_keep_button(
    callback: CallbackQuery, callback_data: AppealAction, uow: UnitOfWork, staff_desk: StaffDesk
) -> None:
    """Not closed after all: the post's buttons as they were."""
    try:
        appeal = await appeals.open_appeal(uow, callback_data.appeal_id)
    except (AppealNotOpen, AppealNotFound) as error:
        await _refused(callback, staff_desk, error)
        return
    await _show(callback, staff_desk.keyboard(appeal))


async def _show(callback: CallbackQuery, markup: InlineKeyboardMarkup | None) -> None:
    """The post's keyboard replaced. Of a double tap, the second finds it replaced already:
    Telegram answers "not modified", and nothing is amiss."""
    assert isinstance(callback.message, Message)
    try:
        await callback.message.edit_reply_markup(reply_markup=markup)
    except TelegramBadRequest as error:
        if "message is not modified" not in error.message:
            logger.warning("post keyboard not changed: %s", error.message)
    await callback.answer()


async def on_open(message: Message, uow: UnitOfWork, clock: Clock, staff_desk: StaffDesk) -> None:
    """The unanswered appeals, oldest first."""
    waiting = await appeals.waiting(uow)
    if not waiting:
        await message.answer(staff_desk.text("staff-open-none"))
        return
    lines = [
        staff_desk.text(
            "staff-open-line",
            number=a.id,
            kind=a.kind.value,
            date=clock.local(a.created_at),
            text=shorten(a.text, OPEN_TEXT),
        )
        for a in waiting
    ]
    # The oldest that fit one message; the count says how many wait in all.
    first = split_pages(lines, OPEN_LISTED, "\n")[0]
    await message.answer(staff_desk.text("staff-open", count=len(waiting), lines=joined(first)))


async def on_broadcasts(
    message: Message, uow: UnitOfWork, clock: Clock, staff_desk: StaffDesk
) -> None:
    """The latest scheduled notifications, each run's by what became of them."""
    runs = await uow.notifications.broadcasts(BROADCASTS_LISTED)
    if not runs:
        await message.answer(staff_desk.text("staff-broadcasts-none"))
        return
    lines = []
    for run in runs:
        count = run.counts.get
        lines.append(
            staff_desk.text(
                "staff-broadcast-line",
                run=run.key,
                at=clock.local(run.started_at),
                queued=count(NotificationStatus.QUEUED, 0) + count(NotificationStatus.SENDING, 0),
                sent=count(NotificationStatus.SENT, 0),
                blocked=count(NotificationStatus.BLOCKED, 0),
                muted=count(NotificationStatus.MUTED, 0),
                failed=count(NotificationStatus.FAILED, 0),
            )
        )
    await message.answer(staff_desk.text("staff-broadcasts", lines=joined(lines, "\n\n")))


async def on_photo(
    message: Message,
    command: CommandObject,
    uow: UnitOfWork,
    clock: Clock,
    staff_desk: StaffDesk,
) -> None:
    """The meter's photo a resident attached to a reading, by its number in the export."""
    number = (command.args or "").strip()
    try:
        reading_id = button_id(number)  # the same range as any id the bot issues
    except ValueError:
        await message.answer(staff_desk.text("staff-photo-usage"))
        return
    found = await readings.photo_of(uow, reading_id)
    if found is None:
        await message.answer(staff_desk.text("staff-photo-none", number=number))
        return
    reading, meter, account = found
    assert reading.photo is not None
    await message.answer_photo(
        reading.photo,
        caption=staff_desk.text(
            "staff-photo",
            number=number,
            meter=meter.number,
            account=account.number,
            value=meter.on_dial(reading.value),
            unit=meter.unit,
            at=clock.local(reading.taken_at),
        ),
    )


def router(staff_chat_id: int) -> Router:
    router = Router(name="staff")
    router.message.filter(F.chat.id == staff_chat_id)
    router.callback_query.filter(F.message.chat.id == staff_chat_id)
    router.message.register(on_open, Command("open"))
    router.message.register(on_broadcasts, Command("broadcasts"))
    router.message.register(on_photo, Command("photo"))
    router.message.register(on_reply, F.reply_to_message, F.text)
    router.callback_query.register(on_answer_button, AppealAction.filter(F.action == "answer"))
    router.callback_query.register(on_close_button, AppealAction.filter(F.action == "close"))
    router.callback_query.register(on_keep_button, AppealAction.filter(F.action == "keep"))
    return router
