"""The staff group: each appeal is posted there with buttons to answer and to close; the
answer reaches the resident. Posting that fails is retried, and no appeal is posted twice."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup, ReplyParameters
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Html, TextCore
from domain import appeals
from domain.model import Appeal, AppealStatus, TelegramUser
from domain.ports import Store, UnitOfWork
from domain.residents import locale_for

logger = logging.getLogger(__name__)


class AppealAction(CallbackData, prefix="appeal"):
    action: str  # "answer" or "close"
    appeal_id: int


class StaffDesk:
    """What the bot says in the staff group, in the utility's language."""

    def __init__(self, core: TextCore, chat_id: int | None, locale: str, zone) -> None:
        self.core = core
        self.chat_id = chat_id
        self.locale = locale
        self.zone = zone

    def text(self, key: str, **args) -> Html:
        return self.core.get(key, self.locale, **args)

    async def post_text(self, uow: UnitOfWork, appeal: Appeal) -> Html:
        assert appeal.id is not None
        profile = await uow.profiles.get(appeal.profile_id) if appeal.profile_id else None
        account = await uow.accounts.get(appeal.account_id)
        supplier = await uow.suppliers.get(appeal.supplier_id)
        status = {
            AppealStatus.OPEN: "",
            AppealStatus.ANSWERED: self.text(
                "staff-answered",
                who=appeal.answered_by or "",
                at=self._when(appeal),
                answer=appeal.answer or "",
            ),
            AppealStatus.CLOSED: self.text(
                "staff-closed", who=appeal.answered_by or "", at=self._when(appeal)
            ),
        }[appeal.status]
        return self.text(
            "staff-post",
            number=appeal.id,
            kind=appeal.kind.value,
            date=self.local_time(appeal.created_at),
            name=profile.full_name if profile else "—",
            phone=(profile.phone or "—") if profile else "—",
            email=profile.email if profile else "—",
            account=account.number if account else "—",
            address=account.address if account else "—",
            supplier=supplier.name if supplier else "—",
            text=appeal.text,
            files=len(appeal.attachments),
            status=status,
        )

    def local_time(self, moment) -> str:
        return moment.astimezone(self.zone).strftime("%d.%m.%Y %H:%M")

    def _when(self, appeal: Appeal) -> str:
        return self.local_time(appeal.answered_at) if appeal.answered_at else ""

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

    async def post(self, bot: Bot, uow: UnitOfWork, appeal: Appeal) -> bool:
        """Posts the appeal with its attachments; False (and kept for a retry) when the group
        cannot be reached."""
        if self.chat_id is None or appeal.staff_message_id is not None:
            return False
        try:
            post = await bot.send_message(
                self.chat_id, await self.post_text(uow, appeal), reply_markup=self.keyboard(appeal)
            )
        except TelegramAPIError as error:
            logger.warning("appeal %s not posted to the staff group: %s", appeal.id, error)
            return False
        # Recorded before the attachments go: a failure after this point posts nothing twice.
        await appeals.mark_posted(uow, appeal, self.chat_id, post.message_id)
        for attachment in appeal.attachments:
            kind, _, file_id = attachment.partition(":")
            try:
                if kind == "photo":
                    await bot.send_photo(
                        self.chat_id,
                        file_id,
                        reply_parameters=ReplyParameters(message_id=post.message_id),
                    )
                else:
                    await bot.send_document(
                        self.chat_id,
                        file_id,
                        reply_parameters=ReplyParameters(message_id=post.message_id),
                    )
            except TelegramAPIError as error:
                logger.warning("attachment of appeal %s not posted: %s", appeal.id, error)
        return True

    async def refresh(self, bot: Bot, uow: UnitOfWork, appeal: Appeal) -> None:
        """Shows in the post that the appeal was answered or closed."""
        if appeal.staff_chat_id is None or appeal.staff_message_id is None:
            return
        try:
            await bot.edit_message_text(
                await self.post_text(uow, appeal),
                chat_id=appeal.staff_chat_id,
                message_id=appeal.staff_message_id,
                reply_markup=None,
            )
        except TelegramAPIError as error:
            logger.warning("post of appeal %s not updated: %s", appeal.id, error)

    async def settled(self, bot: Bot, uow: UnitOfWork, appeal: Appeal) -> None:
        """An appeal was answered or closed: the resident hears of it, the post shows it."""
        key = (
            "appeals-answer-received"
            if appeal.status is AppealStatus.ANSWERED
            else "appeals-closed"
        )
        await self._tell_resident(bot, uow, appeal, key)
        await self.refresh(bot, uow, appeal)

    async def _tell_resident(self, bot: Bot, uow: UnitOfWork, appeal: Appeal, key: str) -> None:
        """Sends the news to every Telegram user bound to the appeal's profile, each in
        their language."""
        if appeal.profile_id is None:
            return
        for telegram_id in await uow.telegram_users.bound_to(appeal.profile_id):
            user = await uow.telegram_users.get(telegram_id) or TelegramUser(
                telegram_id=telegram_id
            )
            locale = locale_for(user, None, self.locale)
            text = self.core.get(
                key,
                locale,
                number=appeal.id,
                text=appeal.text,
                answer=appeal.answer or "",
                date=appeal.answered_at.astimezone(self.zone).date() if appeal.answered_at else "",
            )
            try:
                await bot.send_message(telegram_id, text)
            except TelegramAPIError as error:
                logger.warning(
                    "resident %s not told of appeal %s: %s", telegram_id, appeal.id, error
                )


async def post_pending(bot: Bot, database: Store, desk: StaffDesk) -> int:
    """The retry job: posts the appeals the group did not get; returns how many went."""
    posted = 0
    async with database.unit_of_work() as uow:
        for appeal in await uow.appeals.unposted():
            if not await desk.post(bot, uow, appeal):
                break  # the group is still unreachable: try again at the next run
            posted += 1
    return posted
