"""Smart readers: a resident issues a device a token for one of their accounts; the device
sends that account's readings with it through the device API (``bot.devices``), checked as
the chat checks them. The token is shown once and kept only as its hash: it is a long random
secret, so a plain SHA-256 is enough to make a stolen table useless."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import timedelta

from domain.accounts import linked_account
from domain.attempts import Limit, Taken, take_attempt
from domain.errors import DeviceNameInvalid, DeviceNotFound, TokenRefused, TooManyDevices
from domain.model import Device, Profile
from domain.ports import Clock, UnitOfWork

TOKEN_PREFIX = "tes_"  # tells a leaked token for what it is (secret scanners look for these)
NAME_LENGTH = 64
DEVICES_PER_ACCOUNT = 10
# A reader sends once a day or once an hour; a minute's 30 requests is a loop gone wrong.
REQUESTS = Limit("device-api", attempts=30, window=timedelta(minutes=1))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def parse_device_name(text: str) -> str:
    name = " ".join(text.split())
    if not name or len(name) > NAME_LENGTH or not name.isprintable():
        raise DeviceNameInvalid(NAME_LENGTH)
    return name


async def devices_of(uow: UnitOfWork, profile: Profile, account_id: int) -> Sequence[Device]:
    await linked_account(uow, profile, account_id)
    return await uow.devices.of_account(account_id)


async def issue_token(
    uow: UnitOfWork, clock: Clock, profile: Profile, account_id: int, name: str
) -> tuple[Device, str]:
    """A new device of the account and its token, which is never shown again."""
    assert profile.id is not None
    account = await linked_account(uow, profile, account_id)
    assert account.id is not None
    if len(await uow.devices.of_account(account.id)) >= DEVICES_PER_ACCOUNT:
        raise TooManyDevices(DEVICES_PER_ACCOUNT)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    device = Device(
        account_id=account.id,
        profile_id=profile.id,
        name=parse_device_name(name),
        created_at=clock.now(),
    )
    await uow.devices.add(device, token_hash(token))
    await uow.commit()
    return device, token


async def revoke(
    uow: UnitOfWork, clock: Clock, profile: Profile, account_id: int, device_id: int
) -> None:
    """Revokes a device of the account: its token is refused from now on."""
    devices = await devices_of(uow, profile, account_id)
    if not any(device.id == device_id for device in devices):
        raise DeviceNotFound
    if not await uow.devices.revoke(device_id, clock.now()):
        raise DeviceNotFound
    await uow.commit()


async def authenticate(uow: UnitOfWork, clock: Clock, token: str) -> Device:
    """The device holding the token, its use recorded. Raises TokenRefused."""
    device = await uow.devices.by_token(token_hash(token))
    if device is None:
        raise TokenRefused
    assert device.id is not None
    await uow.devices.used(device.id, clock.now())
    await uow.commit()
    return device


async def take_request(uow: UnitOfWork, clock: Clock, device: Device) -> Taken:
    """One request of the device's minute; ``locked`` when it has used them all."""
    return await take_attempt(uow, REQUESTS, str(device.id), clock.now())
