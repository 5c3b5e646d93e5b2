"""Every error the domain raises, with the data a message needs; the conversations map
them to locale keys."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from domain.model import Appeal, Zone


# --- Identity: answers, codes, login -------------------------------------------------------------


class InvalidInput(ValueError):
    """An answer the bot cannot take; ``reason`` names what is wrong."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class PasswordsDiffer(Exception):
    pass


class EmailTaken(Exception):
    """The address belongs to a profile; whose is not said."""


class ResendTooSoon(Exception):
    def __init__(self, seconds: int) -> None:
        super().__init__(seconds)
        self.seconds = seconds


class CodeNotFound(Exception):
    """No code is waiting: never sent, used, voided, or a link that is not ours."""


class CodeExpired(Exception):
    pass


class WrongCode(Exception):
    def __init__(self, attempts_left: int) -> None:
        super().__init__(attempts_left)
        self.attempts_left = attempts_left


class CodeVoided(Exception):
    """Too many wrong codes: this one no longer works; a new one must be sent."""


class LoginLocked(Exception):
    def __init__(self, until: datetime) -> None:
        super().__init__(until)
        self.until = until


class WrongCredentials(Exception):
    pass


class WrongPassword(Exception):
    pass


# --- Accounts and the control question -----------------------------------------------------------


class EmailNotConfirmed(Exception):
    """Accounts are linked only to a profile whose e-mail is confirmed."""


class AccountNotFound(Exception):
    """No such account, or (for a linked-account action) not one of this profile's."""


class AlreadyLinked(Exception):
    pass


class LinkLocked(Exception):
    def __init__(self, until: datetime) -> None:
        super().__init__(until)
        self.until = until


class WrongAnswer(Exception):
    def __init__(self, attempts_left: int) -> None:
        super().__init__(attempts_left)
        self.attempts_left = attempts_left


# --- Meter readings ------------------------------------------------------------------------------


class ReadingRejected(Exception):
    """A value the bot cannot take; the subclasses carry what the message needs."""


class NotANumber(ReadingRejected):
    pass


class TooManyDigits(ReadingRejected):
    def __init__(self, before: int, after: int) -> None:
        super().__init__(before, after)
        self.before, self.after = before, after


class LowerThanLast(ReadingRejected):
    """Lower than the last reading, and not a dial going round through zero."""

    def __init__(self, last: Decimal) -> None:
        super().__init__(last)
        self.last = last


class AlreadyBilled(ReadingRejected):
    """The month's reading was used in a bill: it stands, and a new one waits for next month."""

    def __init__(self, used_in: date) -> None:
        super().__init__(used_in)
        self.used_in = used_in


class MeterExpired(ReadingRejected):
    """Past its verification (МПИ): the meter's readings are not taken."""

    def __init__(self, number: str, verified_until: date) -> None:
        super().__init__(number, verified_until)
        self.number, self.verified_until = number, verified_until


class MeterNotFound(Exception):
    """No such meter among the profile's accounts (a forged or outdated button)."""


class ZonesMissing(ReadingRejected):
    """A reading of a multi-zone meter needs a value for every zone."""

    def __init__(self, zones: tuple[Zone, ...]) -> None:
        super().__init__(zones)
        self.zones = zones


class NeedsConfirmation(Exception):
    """A value that may be right but looks wrong; taken once the resident confirms."""

    value: Decimal


class BelowLast(NeedsConfirmation):
    """Lower than the last reading: a mistake, or the meter rolled over to zero."""

    def __init__(self, value: Decimal, last: Decimal) -> None:
        super().__init__(value, last)
        self.value, self.last = value, last


class HighConsumption(NeedsConfirmation):
    def __init__(self, value: Decimal, consumption: Decimal, average: Decimal) -> None:
        super().__init__(value, consumption, average)
        self.value, self.consumption, self.average = value, consumption, average


# --- Appeals -------------------------------------------------------------------------------------


class AppealTextInvalid(ValueError):
    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


class AttachmentsFull(ValueError):
    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


class SupplierNotFound(LookupError):
    """Not a supplier of the account (a forged or outdated button)."""


class AppealNotFound(LookupError):
    pass


class AppealNotOpen(Exception):
    """Already answered or closed."""

    def __init__(self, appeal: Appeal) -> None:
        super().__init__(appeal.id)
        self.appeal = appeal


# --- History -------------------------------------------------------------------------------------


class InvalidPeriod(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "end-before-start" or "future"


class BillNotFound(LookupError):
    pass


# --- Questions and answers -----------------------------------------------------------------------


class FaqEntryNotFound(LookupError):
    pass


# --- Money ---------------------------------------------------------------------------------------


class InvalidAmount(ValueError):
    """The text is not an amount of roubles and kopecks."""


# --- Payments ------------------------------------------------------------------------------------


class NothingToPay(Exception):
    """The account has no bill to pay by, or every amount chosen is zero."""


class AmountTooLarge(ValueError):
    def __init__(self, limit: Decimal) -> None:
        super().__init__(limit)
        self.limit = limit


class RulesNotAccepted(Exception):
    """The resident has not agreed to the payment rules."""


class PaymentRefused(Exception):
    """A payment that cannot be paid now; ``reason`` is ``unknown`` (not ours, not the
    payer's), ``paid``, ``expired``, ``canceled``, ``replaced`` (a newer payment of the account
    was started) or ``changed`` (its total differs from what was stored)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class PaymentServiceDown(Exception):
    """The payment provider did not answer, or answered with an error: nothing was charged,
    and the same payment can be tried again."""


class PaymentUnknown(Exception):
    """The payment provider knows no payment by the id it was asked for."""


# --- Language ------------------------------------------------------------------------------------


class UnsupportedLocale(ValueError):
    def __init__(self, locale: str) -> None:
        super().__init__(locale)
        self.locale = locale


class UnknownNotificationKind(ValueError):
    """A kind of notification a resident does not choose (a forged button)."""


class NotSignedIn(Exception):
    """A screen for a logged-in resident reached by someone who is not (an old button)."""


# --- Devices -------------------------------------------------------------------------------------


class DeviceNameInvalid(ValueError):
    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


class TooManyDevices(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


class DeviceNotFound(LookupError):
    """Not a device of the resident's accounts, or revoked already (a forged or old button)."""


class TokenRefused(Exception):
    """No device holds this token: never issued, or revoked."""
