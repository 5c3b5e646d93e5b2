"""A crawler over every screen. From /start, as a stranger and as a resident with several
accounts, in Russian and in English, it presses every button of every screen it reaches,
breadth first (bounded, and deterministic on the demo data), and types a word on each; in the
staff group it presses every button of an appeal's post. On each screen it checks what any
screen owes a resident (``_faults``), that Back leads to the screen the resident came from,
and it prints how many distinct screens it saw. A bad screen is reported with the taps that
reached it. It must reach every window the preview test renders but those listed in
``TYPED_ONLY``, which only typed answers lead to (their own conversation tests walk them)."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import pytest
from aiogram.fsm.storage.base import StorageKey

from bot.transports.local import LocalChat, label, visible_text
from storage.demo import demo_billing, new_link_codes
from tests.conftest import FakeClock
from tests.data import bind_resident
from tests.test_appeals import open_new_appeal
from tests.test_preview import our_dialogs

BACK = {"◀️ Назад", "◀️ Back"}
# What the crawl cannot take back within one run (each has its own conversation test), and
# the language switch, which would turn the rest of the crawl into the other language.
NOT_PRESSED = re.compile(
    r"^(🚪 Да, выйти|🚪 Yes, log out|Да, удалить профиль|Yes, delete the profile|Да, отключить"
    r"|Yes, unlink|Yes, revoke|🇷🇺 Русский|🇬🇧 English)$"
)
# The calendar's weekday heading and the blank cells around a month: aiogram-dialog's
# Calendar draws them as buttons that, by design, do nothing.
INERT = re.compile(r"^(Пн|Вт|Ср|Чт|Пт|Сб|Вс|Mo|Tu|We|Th|Fr|Sa|Su|\s*)$")
MAX_SCREENS = 160  # distinct screens explored per crawl
MAX_DEPTH = 7  # taps from /start
TYPED = "просто слова"  # typed on every screen: a button screen must answer with a hint

# Windows that only a typed answer leads to (a code, a password, a reading's value...), with
# the conversation tests that walk them.
TYPED_ONLY = {
    "RegistrationSG:email": "test_identity (after the phone)",
    "RegistrationSG:password": "test_identity",
    "RegistrationSG:password_repeat": "test_identity",
    "RegistrationSG:surname": "test_identity",
    "RegistrationSG:name": "test_identity",
    "RegistrationSG:patronymic": "test_identity",
    "RegistrationSG:birth_date": "test_identity",
    "RegistrationSG:gender": "test_identity",
    "RegistrationSG:consent": "test_identity",
    "LoginSG:password": "test_identity (after the e-mail)",
    "RecoverySG:code": "test_identity (after the e-mail)",
    "RecoverySG:password": "test_identity",
    "RecoverySG:password_repeat": "test_identity",
    "ConfirmSG:code": "test_identity (the code from the letter)",
    "LinkSG:relation": "test_accounts (after a known account number)",
    "LinkSG:question": "test_accounts",
    "LinkSG:answer": "test_accounts",
    "LinkSG:locked": "test_accounts (five wrong answers)",
    "ReadingsSG:confirm": "test_readings (a value out of the usual)",
    "ReadingsSG:night": "test_readings (after the day value)",
    "AppealsSG:attachments": "test_appeals (after the text)",
    "ProfileSG:password_new": "test_profile (after the current password)",
    "ProfileSG:password_repeat": "test_profile",
    "ProfileSG:email_code": "test_profile (the code from the letter)",
    "DevicesSG:token": "test_devices (after the device's name)",
    "PaymentSG:sent": "test_payments (after the invoice)",
    "CompleteProfileSG:phone": "test_identity (after the first login)",
    "CompleteProfileSG:patronymic": "test_identity (the first login of a profile without one)",
    "CompleteProfileSG:birth_date": "test_identity (the first login of a profile without one)",
    "CompleteProfileSG:gender": "test_identity (the first login of a profile without one)",
    "DevicesSG:revoke": "test_devices (the demo has no device; one is added by its name)",
    "ProfileSG:mailing_companies": "test_profile (after a mailing address)",
    "ReadingsSG:review": "test_readings (after the value)",
}

_TICKS = str.maketrans("", "", "✅⬜⭐🔔🔕")


def _plain(label: str) -> str:
    """A button as a path names it: without the marks that come and go (a tick, the star of
    the account opened last)."""
    return label.translate(_TICKS).strip()


_KEY = re.compile(r"\b[a-z]+(?:-[a-z0-9_]+)+\b")  # a Fluent message id shown as it is
_RAW = re.compile(r"\b(True|False|None)\b")
_CYRILLIC_UNIT = re.compile(r"кВт·ч|м³|м²|м3|м2|Гкал|руб\.|₽/кВт")


@dataclass(frozen=True)
class Screen:
    state: str | None  # the dialog's window; None outside dialogs
    text: str
    buttons: tuple[str, ...]
    keys: tuple[str, ...]  # the reply keyboard the screen brought, if any

    @property
    def key(self) -> tuple:
        """What makes two screens the same for the crawl: the window and its buttons, with
        their numbers and marks left out (a list of a different length, a notification
        turned off, is the same screen); an unticked box (⬜) is kept: what the form offers
        once it is ticked is another screen."""
        marks = str.maketrans("", "", "0123456789✅🔔🔕⭐")
        heading = self.text.split("\n", 1)[0].translate(marks) if self.state is None else ""
        pressed = (*self.buttons, *self.keys)
        return self.state, heading, tuple(sorted({b.translate(marks) for b in pressed}))


@dataclass
class Crawl:
    chat: LocalChat
    start: Callable[[], Awaitable[None]]
    english: bool
    errors: list
    screens: dict[tuple, tuple[str, ...]] = field(default_factory=dict)  # key: first path
    states: set[str] = field(default_factory=set)
    state_at: dict[tuple[str, ...], str | None] = field(default_factory=dict)  # by path
    faults: list[str] = field(default_factory=list)
    presses: int = 0
    typed: bool = True  # whether to type on each screen (staff talk among themselves)
    done: re.Pattern | None = None  # a screen that ends its way (a settled appeal's post)

    async def screen(self) -> Screen:
        chat = self.chat
        message = chat.last
        return Screen(
            await _state(chat),
            visible_text(message.text or message.caption or "", "HTML"),
            tuple(b.text for b in _buttons(message) if b.callback_data),
            tuple(label(k.text) for k in _keys_of(chat)),
        )

    async def reach(self, path: tuple[str, ...]) -> Screen | None:
        await self.start()
        for tap in path:
            screen = await self.screen()
            if tap not in (*map(_plain, screen.buttons), *screen.keys):
                self.faults.append(f"{' → '.join(path)}: the way there changed at {tap!r}")
                return None
            await self.press(tap)
        return await self.screen()

    async def press(self, tap: str) -> str | None:
        """Presses an inline button (the query it sent) or a reply-keyboard key (None): the
        key's text is sent, or the resident's own contact where the key asks for it."""
        self.presses += 1
        message = self.chat.last
        button = next((b for b in _buttons(message) if _plain(b.text) == _plain(tap)), None)
        if button is not None:
            return await self.chat.press_data(message, button.callback_data or "")
        key = next(k for k in _keys_of(self.chat) if label(k.text) == tap)
        if key.request_contact:
            await self.chat.share_contact("+79138250075")
        else:
            await self.chat.send(key.text)
        return None

    def check(self, path: tuple[str, ...], screen: Screen, logged: int) -> None:
        where = " → ".join(path) or "/start"
        if len(self.errors) > logged:
            self.faults.append(f"{where}: logged {self.errors[-1].getMessage()!r}")
        finished = self.done is not None and self.done.search(screen.text)
        if not (
            finished
            or screen.buttons
            or screen.keys
            or re.search(r"/[a-z]+|\(Reply\)", screen.text)  # a command, or "reply to this"
        ):
            self.faults.append(f"{where}: no way on from {screen.text[:60]!r}")
        if self.english:
            shown = "\n".join((screen.text, *screen.buttons))
            for name in BILLING_NAMES:  # billing's own words stay as billing wrote them
                shown = shown.replace(name, "…")
            for pattern, what in ((_KEY, "a text key"), (_RAW, "a raw value")):
                found = [m for m in pattern.findall(shown) if what != "a text key" or m in KEYS]
                if found:
                    self.faults.append(f"{where}: {what} {found[0]!r} in English")
            unit = _CYRILLIC_UNIT.search(shown)
            if unit:
                around = shown[max(0, unit.start() - 40) : unit.end() + 10]
                self.faults.append(f"{where}: a Russian unit in English: {around!r}")

    async def run(self) -> None:
        queue: deque[tuple[str, ...]] = deque([()])
        await self.start()
        first = await self.screen()
        self.check((), first, len(self.errors))
        self.screens[first.key] = ()
        self.state_at[()] = first.state
        while queue and len(self.screens) < MAX_SCREENS:
            path = queue.popleft()
            parent = await self.reach(path)
            if parent is None:
                continue
            if parent.state:
                self.states.add(parent.state)
            for tap in (*parent.buttons, *parent.keys):
                if NOT_PRESSED.match(tap):
                    continue
                current = await self.screen()
                changed = current.key != parent.key or current.text != parent.text
                if changed and await self.reach(path) is None:
                    break
                logged = len(self.errors)
                calls = len(self.chat.session.calls)
                query = await self.press(tap)
                child = await self.screen()
                taps = (*path, _plain(tap))
                answer = self.chat.callback_answer(query) if query is not None else None
                shown = [
                    c
                    for c in self.chat.session.calls[calls:]
                    if type(c).__name__ != "AnswerCallbackQuery"
                ]
                if query is not None and answer is None:
                    self.faults.append(f"{' → '.join(taps)}: the tap was not answered")
                elif not shown and not (answer and answer.text) and not INERT.match(tap):
                    self.faults.append(f"{' → '.join(taps)}: the tap changed nothing on screen")
                self.check(taps, child, logged)
                if child.state:
                    self.states.add(child.state)
                if tap in BACK or child.key in self.screens:
                    continue
                self.screens[child.key] = taps
                self.state_at[taps] = child.state
                if len(path) + 1 < MAX_DEPTH:
                    queue.append(taps)
                back = next((b for b in child.buttons if b in BACK), None)
                # A tap within the window (a pager, the calendar's view) has the window's
                # own Back; a new window's Back returns to the one it was opened from.
                # A tap that closed windows ("Done") returns to one on the way here: its Back
                # is that window's own.
                returned_to = child.state in {self.state_at.get(path[:i]) for i in range(len(path))}
                if (
                    back
                    and child.state
                    and parent.state
                    and child.state != parent.state
                    and not returned_to
                ):
                    await self.press(back)
                    returned = await self.screen()
                    if returned.state != parent.state:
                        self.faults.append(
                            f"{' → '.join(taps)} → {back}: {returned.state}, not {parent.state}"
                        )
            # Typed where the screen wants a button: the bot answers, and the screen stays.
            if self.typed and parent.buttons and (await self.reach(path)) is not None:
                before = len(self.chat.session.calls)
                logged = len(self.errors)
                await self.chat.send(TYPED)
                if len(self.chat.session.calls) == before:
                    self.faults.append(f"{' → '.join(path) or '/start'}: typed text unanswered")
                elif len(self.errors) > logged:
                    self.faults.append(f"{' → '.join(path)}: typing logged an error")


def _buttons(message) -> list:
    """The buttons of the screen: the last message's own; an earlier message's are not the
    screen's (an answer's prompt under a post has none)."""
    markup = message.reply_markup
    return [b for row in markup.inline_keyboard for b in row] if markup else []


def _keys_of(chat: LocalChat) -> list:
    """The reply keyboard's keys, when the screen's own message brought it: one an earlier
    message brought belongs to that message's window."""
    shown = chat.session.reply_keyboards.get(chat.chat.id)
    if not shown or shown[0] != chat.last.message_id:
        return []
    return [key for row in shown[1].keyboard for key in row]


def _keys() -> set[str]:
    from pathlib import Path

    text = (Path(__file__).parents[1] / "locales" / "en" / "main.ftl").read_text()
    return set(re.findall(r"^([a-z][a-z0-9_-]*) =", text, re.MULTILINE))


KEYS = _keys()
BILLING_NAMES = sorted(
    {c["tariff_name"] for c in demo_billing(FakeClock().today(), new_link_codes())["contracts"]},
    key=len,
    reverse=True,
)


async def _state(chat: LocalChat) -> str | None:
    """The window on top of the chat's dialog stack, as aiogram-dialog keeps it."""
    storage = chat.dispatcher.fsm.storage

    def key(destiny: str) -> StorageKey:
        return StorageKey(
            bot_id=chat.bot.id, chat_id=chat.chat.id, user_id=chat.chat.id, destiny=destiny
        )

    intents = (await storage.get_data(key("aiogd:stack:"))).get("intents") or []
    if not intents:
        return None
    return (await storage.get_data(key(f"aiogd:context:{intents[-1]}"))).get("state")


@pytest.fixture
def settings(payment_settings):
    return payment_settings


def _report(name: str, crawl: Crawl) -> str:
    print(
        f"\n{name}: {len(crawl.screens)} distinct screens, {len(crawl.states)} windows, "
        f"{crawl.presses} taps"
    )
    return "\n".join(crawl.faults)


@pytest.mark.parametrize("language", ["ru", "en"])
async def test_every_screen_leads_somewhere(
    new_chat, staff, running, bot_database, demo, language, logged_errors, backend
):
    if backend != ("sqlite", "memory"):
        pytest.skip("the crawl walks screens, not storage: once is enough")
    dp = running[0]
    stranger = new_chat(300001, language_code=language)
    resident = new_chat(300002, language_code=language)
    await bind_resident(
        bot_database, resident.user.id, link=("700100103492", "800200415527", "922083100417")
    )

    def start(chat: LocalChat) -> Callable[[], Awaitable[None]]:
        async def go() -> None:
            await chat.send("/start")

        return go

    staff_chat = staff
    crawls = {
        "stranger": Crawl(stranger, start(stranger), language == "en", logged_errors),
        "resident": Crawl(resident, start(resident), language == "en", logged_errors),
    }
    for crawl in crawls.values():
        await crawl.run()
    faults = "\n".join(_report(name, crawl) for name, crawl in crawls.items()).strip()
    assert faults == "", faults

    windows = {s.state for d in our_dialogs(dp) for s in d.states_group().__states__}
    reached = set().union(*(crawl.states for crawl in crawls.values()))
    unreached = sorted(windows - reached - set(TYPED_ONLY))
    print(
        f"windows: {len(windows)}, reached by taps: {len(reached)}, typed only: {len(TYPED_ONLY)}"
    )
    assert unreached == [], "\n".join(unreached)

    # The staff group: each appeal's post, a new one for each way through its buttons.
    async def post_appeal() -> None:
        await open_new_appeal(resident_ru)
        await resident_ru.send("Проверьте начисление")
        await resident_ru.press("📨 Отправить")

    if language != "ru":
        return  # the staff group speaks the utility's language only
    resident_ru = new_chat(300003)
    await bind_resident(bot_database, resident_ru.user.id, link=("700100103492",))
    staff = Crawl(
        staff_chat,
        post_appeal,
        english=False,
        errors=logged_errors,
        typed=False,
        done=re.compile("☑️ Закрыто без ответа|✅ Ответ дан"),
    )
    await staff.run()
    assert _report("staff", staff) == ""
    assert len(staff.screens) >= 3  # the post, the reasons, the answer's prompt
