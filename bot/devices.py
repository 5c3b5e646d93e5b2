"""The device API: ``POST /api/v1/readings`` on the bot's web server, for smart readers
(Waterius, Saures-style readers, Home Assistant). A device authenticates with the token a
resident issued it in the bot (``domain.devices``) and sends values per meter and zone; each
meter's values go through the same domain service and checks as the chat's, and a refused one
is answered with the rule it broke. ``docs/device-api.md`` and ``docs/device-api.yaml``
describe it."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any

from aiohttp import web
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from bot.config import DEVICE_API_PATH
from bot.middlewares import OUTAGES, Outage
from domain import devices
from domain.errors import (
    AlreadyBilled,
    BelowLast,
    HighConsumption,
    LowerThanLast,
    MeterExpired,
    MeterNotFound,
    NeedsConfirmation,
    ReadingRejected,
    TokenRefused,
    TooManyDigits,
    ZonesMissing,
)
from domain.model import Zone
from domain.ports import Clock, Store
from domain.readings import Submitted, parse_reading, submit_from_device
from domain.validation import storable

MAX_BODY = 16 * 1024  # a request of every meter of an account is well under a kilobyte
MAX_VALUES = 60  # twenty two-zone meters and then some
BODY_SECONDS = 10  # a device on a slow line sends its kilobyte in well under this
RETRY_SECONDS = "30"  # what a device waits when the database or Redis is away

logger = logging.getLogger(__name__)


def _storable(text: str) -> str:
    if not storable(text):
        raise ValueError("holds a character the database cannot keep (NUL)")
    return text


class ValueIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    meter: Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_storable)]
    zone: Zone = Zone.SINGLE
    # A string ("74,5" as on the dial) or a JSON number, read exactly either way.
    value: str | Decimal
    confirmed: bool = False


class RequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    readings: list[ValueIn] = Field(min_length=1, max_length=MAX_VALUES)


def refusal(error: Exception) -> dict[str, Any]:
    """The rule a value broke, for the device (``rule``) and its owner (``message``)."""
    match error:
        case MeterNotFound():
            return {"rule": "meter_not_found", "message": "no such meter on this account"}
        case MeterExpired():
            return {
                "rule": "meter_expired",
                "message": f"the meter's verification ran out on {error.verified_until}",
            }
        case ZonesMissing():
            missing = ", ".join(zone.value for zone in error.zones)
            return {"rule": "zones_missing", "message": f"values needed for zones: {missing}"}
        case TooManyDigits():
            return {
                "rule": "too_many_digits",
                "message": f"the meter shows {error.before} digits before the point "
                f"and {error.after} after",
            }
        case LowerThanLast():
            return {"rule": "lower_than_last", "message": f"the last reading is {error.last}"}
        case AlreadyBilled():
            return {
                "rule": "already_billed",
                "message": f"this month's reading was used in the bill of {error.used_in:%Y-%m}",
            }
        case BelowLast():
            return {
                "rule": "below_last",
                "message": f"below the last reading {error.last}: send it with "
                '"confirmed": true if the dial went round through zero',
            }
        case HighConsumption():
            return {
                "rule": "high_consumption",
                "message": f"consumption {error.consumption} is over three times the usual "
                f'{error.average} a month: send it with "confirmed": true if it is right',
            }
        case _:
            return {"rule": "not_a_number", "message": "a value is a number, e.g. 74.5"}


def accepted(meter: str, submitted: Submitted) -> dict[str, Any]:
    result: dict[str, Any] = {
        "meter": meter,
        "status": "accepted",
        "month": submitted.month.strftime("%Y-%m"),
        "replaced": bool(submitted.replaced),
    }
    if submitted.estimate is not None:
        result["estimate"] = {
            "since": submitted.estimate.since.isoformat(),
            "consumption": {
                zone.value: str(submitted.meter.on_dial(used))
                for zone, used in submitted.estimate.consumption.items()
            },
            "charge": str(submitted.estimate.total),
        }
    return result


def error(status: int, rule: str, message: str, **headers: str) -> web.Response:
    return web.json_response(
        {"error": {"rule": rule, "message": message}}, status=status, headers=headers
    )


async def read_body(request: web.Request) -> bytes | None:
    """The whole body, however many segments it comes in; None past MAX_BODY."""
    if (request.content_length or 0) > MAX_BODY:
        return None
    body = b""
    while chunk := await request.content.read(MAX_BODY + 1 - len(body)):
        body += chunk
        if len(body) > MAX_BODY:
            return None
    return body


def parse_request(body: bytes) -> RequestIn | web.Response:
    """The request's values, or the answer to a body that is not one."""
    try:
        # Numbers are read as Decimal: a reading is exact, never a float.
        return RequestIn.model_validate(json.loads(body, parse_float=Decimal, parse_int=Decimal))
    except ValidationError as problem:
        detail = "; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in problem.errors()[:5]
        )
        return error(400, "malformed", detail)
    except (ValueError, RecursionError):  # not JSON, or nested past what the parser takes
        return error(400, "malformed", "the body is not JSON")


def readings_route(
    store: Store, clock: Clock, window: tuple[int, int]
) -> Callable[[web.Request], Any]:
    outage = Outage("device API")

    async def receive(request: web.Request) -> web.Response:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return error(401, "unauthorized", "send the device's token as Authorization: Bearer")
        try:
            async with asyncio.timeout(BODY_SECONDS):
                body = await read_body(request)
        except TimeoutError:
            return error(408, "timeout", f"send the body within {BODY_SECONDS} s")
        if body is None:
            return error(413, "too_large", f"a request is at most {MAX_BODY} bytes")
        try:
            answer = await readings(store, clock, window, token, body)
        except OUTAGES as away:
            outage.began(away)
            return error(503, "unavailable", "try again later", **{"Retry-After": RETRY_SECONDS})
        outage.ended()
        return answer

    return receive


async def readings(
    store: Store, clock: Clock, window: tuple[int, int], token: str, body: bytes
) -> web.Response:
    """The token is checked before the body is parsed: a stranger's body costs nothing."""
    async with store.unit_of_work() as uow:
        try:
            device = await devices.authenticate(uow, clock, token)
        except TokenRefused:
            return error(401, "unauthorized", "the token is unknown or revoked")
        taken = await devices.take_request(uow, clock, device)
        if taken.locked:
            assert taken.until is not None
            wait = max(1, int((taken.until - clock.now()).total_seconds()) + 1)
            return error(429, "rate_limited", f"retry in {wait} s", **{"Retry-After": str(wait)})
        parsed = parse_request(body)
        if isinstance(parsed, web.Response):
            return parsed
        results = []
        for meter, values in by_meter(parsed).items():
            try:
                zones = {zone: parse_reading(str(v.value)) for zone, v in values.items()}
                submitted = await submit_from_device(
                    uow,
                    clock,
                    window,
                    device,
                    meter,
                    zones,
                    frozenset(zone for zone, v in values.items() if v.confirmed),
                )
            except (ReadingRejected, NeedsConfirmation, MeterNotFound) as refused:
                await uow.rollback()
                results.append({"meter": meter, "status": "refused", **refusal(refused)})
            else:
                results.append(accepted(meter, submitted))
    logger.info(
        "device %s sent %s meters, %s refused",
        device.id,
        len(results),
        sum(r["status"] == "refused" for r in results),
    )
    status = 200 if all(r["status"] == "accepted" for r in results) else 422
    return web.json_response({"results": results}, status=status)


def by_meter(request: RequestIn) -> dict[str, dict[Zone, ValueIn]]:
    """The values grouped per meter, each meter's in one submission (the last of a zone
    sent twice stands)."""
    grouped: dict[str, dict[Zone, ValueIn]] = {}
    for value in request.readings:
        grouped.setdefault(value.meter, {})[value.zone] = value
    return grouped


def add_device_api(
    app: web.Application, store: Store, clock: Clock, window: tuple[int, int]
) -> None:
    app.router.add_post(DEVICE_API_PATH, readings_route(store, clock, window))
