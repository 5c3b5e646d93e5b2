"""What a dialog callback works with, typed: the update's unit of work, the clock, who is
writing and their profile (resolved once per update by a middleware), the texts. Getters take
the same values by parameter name; callbacks, which aiogram-dialog gives only the manager,
reach them through ``ctx(manager)``."""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram_dialog import DialogManager
from aiogram_i18n import I18nContext

from domain.errors import AccountNotFound, NotSignedIn
from domain.model import Profile, TelegramUser, Utility
from domain.payments import PaymentTerms
from domain.ports import (
    AppealNotifier,
    Clock,
    Mailer,
    PasswordHasher,
    PaymentGateway,
    SessionNotifier,
    UnitOfWork,
)


class Context:
    """A typed view of the update's middleware data."""

    __slots__ = ("_data",)

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data

    @property
    def uow(self) -> UnitOfWork:
        return self._data["uow"]

    @property
    def clock(self) -> Clock:
        return self._data["clock"]

    @property
    def utility(self) -> Utility:
        return self._data["utility"]

    @property
    def i18n(self) -> I18nContext:
        return self._data["i18n"]

    @property
    def hasher(self) -> PasswordHasher:
        return self._data["hasher"]

    @property
    def mailer(self) -> Mailer:
        return self._data["mailer"]

    @property
    def bot(self) -> Bot:
        return self._data["bot"]

    @property
    def chat_id(self) -> int:
        return self._data["event_chat"].id

    @property
    def appeal_notifier(self) -> AppealNotifier:
        return self._data["staff_desk"]

    @property
    def sessions(self) -> SessionNotifier:
        return self._data["sessions"]

    @property
    def payment_terms(self) -> PaymentTerms:
        return self._data["payment_terms"]

    @property
    def payment_gateway(self) -> PaymentGateway:
        """YooKassa's API; only where the settings switch its page on."""
        return self._data["payment_gateway"]

    @property
    def invoice_token(self) -> str:
        """The payments provider's token for Telegram invoices."""
        return self._data["invoice_token"]

    @property
    def resident(self) -> TelegramUser:
        return self._data["resident"]

    @property
    def profile(self) -> Profile:
        """The profile the resident is logged in to; a button left from before a logout
        raises NotSignedIn, which the error handler answers with the welcome."""
        profile = self._data.get("profile")
        if profile is None:
            raise NotSignedIn
        return profile

    def signed_in(self, profile: Profile | None) -> None:
        """The update logged the resident in (or out): later windows of it see that."""
        self._data["profile"] = profile


def ctx(manager: DialogManager) -> Context:
    return Context(manager.middleware_data)


def chosen_account(manager: DialogManager) -> int:
    """The account this dialog works on: the resident's choice in it, else its start data.
    Whoever uses it checks it against the profile's accounts."""
    chosen = started_with(manager, "account_id")
    if chosen is None:
        raise AccountNotFound  # a dialog started without one: a forged or stale button
    return int(chosen)


def started_with(manager: DialogManager, key: str, default: Any = None) -> Any:
    """A value the dialog was started with, unless the resident chose another in it."""
    data = manager.start_data if isinstance(manager.start_data, dict) else {}
    return manager.dialog_data.get(key, data.get(key, default))
