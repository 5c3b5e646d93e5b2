"""The profile (guide section 4): what it holds, each field to edit, the e-mail addresses
for the companies' mailings, and deleting the profile."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, cast

from aiogram import F
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import ChatEvent, DialogManager, StartMode, Window
from aiogram_dialog.widgets.kbd import (
    Button,
    Cancel,
    Column,
    Keyboard,
    ManagedMultiselect,
    Multiselect,
    Row,
    Select,
    Start,
    SwitchTo,
)
from aiogram_dialog.widgets.text import Format
from aiogram_i18n import I18nContext

from dialogs.context import Context, ctx
from dialogs.inputs import (
    EXPLAINABLE,
    answer,
    check_password_repeat,
    delete_secret,
    explain,
    gender_buttons,
    parse_email,
    question,
    saves,
    say,
)
from dialogs.phone import PHONE, phone_window
from dialogs.states import ConfirmSG, NotificationsSG, ProfileSG, WelcomeSG
from dialogs.widgets import Dialog, Notice, Tr, notify, pressed, refuse_forged
from domain import codes, login, passwords
from domain import profile as profile_
from domain.model import CodePurpose, Gender, MailingCompany, Profile
from domain.ports import Clock, UnitOfWork
from rendering.texts import format_day, format_name, joined


async def get_profile(
    uow: UnitOfWork, profile: Profile, clock: Clock, i18n: I18nContext, **_: Any
) -> dict[str, Any]:
    mailings = await profile_.marketing_emails(uow, profile)
    return {
        "waiting": await codes.address_waiting(uow, clock, profile) or "",
        "full_name": format_name(profile.surname, profile.name, profile.patronymic, i18n.locale),
        "email": profile.email,
        "confirmed": "yes" if profile.email_confirmed else "no",
        "phone": profile.phone or "—",
        "birth_date": format_day(profile.birth_date, i18n.locale) if profile.birth_date else "—",
        "gender": profile.gender.value if profile.gender else "none",
        "mailings": len({m.email for m in mailings}),
    }


# --- Fields -----------------------------------------------------------------------------------


async def rename(context: Context, text: str) -> Profile:
    return await profile_.rename(context.uow, context.profile, text)


async def set_birth_date(context: Context, text: str) -> Profile:
    return await profile_.set_birth_date(context.uow, context.clock, context.profile, text)


async def _saved(manager: DialogManager) -> None:
    await manager.switch_to(ProfileSG.view)
    notify(manager, "profile-saved")


def edits(change: Callable[[Context, str], Awaitable[Profile]]) -> Callable[..., Awaitable[None]]:
    return saves(change, then=_saved)


async def save_phone(manager: DialogManager) -> None:
    context = ctx(manager)
    await profile_.set_phone(context.uow, context.profile, manager.dialog_data[PHONE])
    await _saved(manager)


async def on_gender(_callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    context = ctx(manager)
    await profile_.set_gender(context.uow, context.profile, Gender(pressed(button)))
    await _saved(manager)


async def on_clear_gender(_callback: CallbackQuery, _button: Button, manager: DialogManager):
    context = ctx(manager)
    await profile_.set_gender(context.uow, context.profile, None)
    await _saved(manager)


async def on_clear_birth_date(_callback: CallbackQuery, _button: Button, manager: DialogManager):
    context = ctx(manager)
    await profile_.clear_birth_date(context.uow, context.profile)
    await _saved(manager)


async def new_email(text: str, manager: DialogManager) -> str:
    context = ctx(manager)
    return await profile_.new_email(context.uow, context.profile, text)


async def request_email_change(manager: DialogManager) -> None:
    # The address becomes the login only once the code sent to it is entered.
    await manager.start(
        ConfirmSG.code,
        data={
            "purpose": CodePurpose.CHANGE_EMAIL,
            "email": manager.dialog_data["new_email"],
            "send": True,
        },
    )


async def on_enter_code(_callback: CallbackQuery, _button: Button, manager: DialogManager):
    context = ctx(manager)
    waiting = await codes.address_waiting(context.uow, context.clock, context.profile)
    if waiting is None:
        notify(manager, "profile-code-expired")
        return
    await manager.start(
        ConfirmSG.code,
        data={"purpose": CodePurpose.CHANGE_EMAIL, "email": waiting, "send": False},
    )


async def check_current(message: Message, _widget: Any, manager: DialogManager) -> None:
    await delete_secret(message)
    context = ctx(manager)
    try:
        await login.check_current_password(
            context.uow,
            context.hasher,
            context.clock,
            context.resident,
            context.profile,
            message.text or "",
        )
    except EXPLAINABLE as error:
        explain(manager, error)
        return
    await manager.next()


def hash_changed_password(text: str, manager: DialogManager) -> str:
    context = ctx(manager)
    return passwords.hash_changed_password(context.hasher, context.profile, text)


async def save_password(manager: DialogManager) -> None:
    context = ctx(manager)
    await profile_.change_password(
        context.uow,
        context.sessions,
        context.resident,
        context.profile,
        manager.dialog_data.pop("password_hash"),
    )
    await manager.switch_to(ProfileSG.view)
    notify(manager, "profile-password-changed")


# --- Mailings -------------------------------------------------------------------------------


async def get_mailings(
    uow: UnitOfWork, profile: Profile, i18n: I18nContext, **_: Any
) -> dict[str, Any]:
    by_email: dict[str, list[str]] = {}
    for item in await profile_.marketing_emails(uow, profile):
        by_email.setdefault(item.email, []).append(i18n.get(f"profile-company-{item.company}"))
    return {
        "addresses": [(email,) for email in by_email],
        "lines": joined(
            i18n.get("profile-mailing-line", email=email, companies=joined(names, ", "))
            for email, names in by_email.items()
        ),
        "none": "no" if by_email else "yes",
    }


async def get_companies(
    dialog_manager: DialogManager, i18n: I18nContext, **_: Any
) -> dict[str, Any]:
    return {
        "companies": [(c.value, i18n.get(f"profile-company-{c.value}")) for c in MailingCompany],
        "email": dialog_manager.dialog_data.get("mailing_email", ""),
    }


async def on_address_chosen(
    _callback: CallbackQuery, _widget: Any, manager: DialogManager, email: str
) -> None:
    """Editing an address starts from the companies it already receives."""
    context = ctx(manager)
    current = await profile_.marketing_emails(context.uow, context.profile)
    chosen = {m.company.value for m in current if m.email == email}
    if not chosen:
        notify(manager, "profile-mailing-gone")
        return
    manager.dialog_data["mailing_email"] = email
    companies = _companies(manager)
    await companies.reset_checked()
    for company in chosen:
        await companies.set_checked(company, True)
    await manager.switch_to(ProfileSG.mailing_companies)


def _companies(manager: DialogManager) -> ManagedMultiselect[str]:
    return cast(ManagedMultiselect[str], manager.find("companies"))


async def on_new_address(manager: DialogManager) -> None:
    companies = _companies(manager)
    await companies.reset_checked()
    for company in MailingCompany:
        await companies.set_checked(company.value, True)
    await manager.switch_to(ProfileSG.mailing_companies)


async def on_company_toggled(
    _callback: ChatEvent, companies: ManagedMultiselect[str], manager: DialogManager, item: str
) -> None:
    """Only the companies on the screen can be ticked: a forged one is taken back."""
    if item not in set(MailingCompany):
        await companies.set_checked(item, False)
        refuse_forged(manager)


async def on_save_mailing(
    _callback: CallbackQuery, _button: Button, manager: DialogManager
) -> None:
    context = ctx(manager)
    companies = _companies(manager)
    chosen = {MailingCompany(c) for c in companies.get_checked()}
    await profile_.subscribe(
        context.uow, context.profile, manager.dialog_data["mailing_email"], chosen
    )
    await manager.switch_to(ProfileSG.mailings)
    notify(manager, "profile-mailing-saved" if chosen else "profile-mailing-removed")


# --- Deleting -------------------------------------------------------------------------------


async def on_delete(_callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    context = ctx(manager)
    await profile_.delete_profile(
        context.uow,
        context.clock,
        context.sessions,
        context.appeal_notifier,
        context.resident,
        context.profile,
    )
    context.signed_in(None)
    await say(manager, "profile-deleted")
    await manager.start(WelcomeSG.welcome, mode=StartMode.RESET_STACK)


def _to(state, key: str, button_id: str) -> SwitchTo:
    return SwitchTo(Tr(key), id=button_id, state=state)


def edit(
    state: State,
    key: str,
    on_text: Any = None,
    *,
    back: bool = False,
    keyboard: tuple[Keyboard, ...] = (),
    secret: bool = False,
) -> Window:
    """One field's question, with a way back to the profile instead of Cancel."""
    return question(
        state,
        Tr(key),
        on_text=on_text,
        back=back,
        cancel=False,
        keyboard=(*keyboard, SwitchTo(Tr("back"), id="to_view", state=ProfileSG.view)),
        secret=secret,
    )


view_window = Window(
    Notice(),
    Tr("profile-view"),
    Tr("profile-email-waiting", when=F["waiting"]),
    Row(
        _to(ProfileSG.name, "profile-edit-name", "name"),
        _to(ProfileSG.gender, "profile-edit-gender", "gender"),
    ),
    Row(
        _to(ProfileSG.birth_date, "profile-edit-birth-date", "birth"),
        _to(ProfileSG.phone, "profile-edit-phone", "phone"),
    ),
    Row(
        _to(ProfileSG.email, "profile-edit-email", "email"),
        _to(ProfileSG.password_current, "profile-edit-password", "password"),
    ),
    Row(
        _to(ProfileSG.mailings, "profile-mailings", "mailings"),
        Start(Tr("profile-notifications"), id="notifications", state=NotificationsSG.kinds),
    ),
    Button(Tr("profile-enter-code"), id="code", on_click=on_enter_code, when=F["waiting"]),
    _to(ProfileSG.delete, "profile-delete", "delete"),
    Cancel(Tr("back")),
    state=ProfileSG.view,
    getter=get_profile,
    preview_data={
        "full_name": "Малашта Светлана Ивановна",
        "email": "resident@example.org",
        "waiting": "new@example.org",
        "confirmed": "yes",
        "phone": "+79138250075",
        "birth_date": "01.02.1980",
        "gender": "female",
        "mailings": 1,
    },
)

mailings_window = Window(
    Notice(),
    Tr("profile-mailings-list"),
    Column(
        Select(
            Format("✏️ {item[0]}"),
            id="address",
            item_id_getter=lambda i: i[0],
            items="addresses",
            on_click=on_address_chosen,
        )
    ),
    SwitchTo(Tr("profile-mailing-add"), id="add", state=ProfileSG.mailing_email),
    SwitchTo(Tr("back"), id="to_view", state=ProfileSG.view),
    state=ProfileSG.mailings,
    getter=get_mailings,
    preview_data={
        "addresses": [("news@example.org",)],
        "lines": "news@example.org: Томскэнергосбыт",
        "none": "no",
    },
)

companies_window = Window(
    Notice(),
    Tr("profile-mailing-companies"),
    Column(
        Multiselect(
            Format("✅ {item[1]}"),
            Format("⬜ {item[1]}"),
            id="companies",
            item_id_getter=lambda i: i[0],
            items="companies",
            on_state_changed=on_company_toggled,
        )
    ),
    Button(Tr("profile-mailing-save"), id="save", on_click=on_save_mailing),
    SwitchTo(Tr("back"), id="to_list", state=ProfileSG.mailings),
    state=ProfileSG.mailing_companies,
    getter=get_companies,
    preview_data={
        "companies": [("tomskenergosbyt", "Томскэнергосбыт")],
        "email": "news@example.org",
    },
)

delete_window = Window(
    Notice(),
    Tr("profile-delete-confirm"),
    Button(Tr("profile-delete-yes"), id="yes", on_click=on_delete),
    SwitchTo(Tr("profile-delete-no"), id="no", state=ProfileSG.view),
    state=ProfileSG.delete,
)


name_window = edit(ProfileSG.name, "profile-ask-full-name", edits(rename))
gender_window = edit(
    ProfileSG.gender,
    "profile-ask-gender",
    keyboard=(
        gender_buttons(on_gender),
        Button(Tr("profile-clear"), id="clear", on_click=on_clear_gender),
    ),
)
birth_date_window = edit(
    ProfileSG.birth_date,
    "profile-ask-birth-date",
    edits(set_birth_date),
    keyboard=(Button(Tr("profile-clear"), id="clear", on_click=on_clear_birth_date),),
)
phone_edit_window = phone_window(ProfileSG.phone, then=save_phone, back_to=ProfileSG.view)
email_window = edit(
    ProfileSG.email,
    "profile-ask-email",
    answer(new_email, "new_email", then=request_email_change),
)
current_password_window = edit(
    ProfileSG.password_current, "profile-ask-current-password", check_current, secret=True
)
new_password_window = edit(
    ProfileSG.password_new,
    "identity-ask-new-password",
    answer(hash_changed_password, "password_hash", secret=True),
    secret=True,
)
password_repeat_window = edit(
    ProfileSG.password_repeat,
    "identity-ask-password-repeat",
    answer(check_password_repeat, "password_repeated", secret=True, then=save_password),
    secret=True,
)
mailing_email_window = question(
    ProfileSG.mailing_email,
    Tr("profile-ask-mailing-email"),
    on_text=answer(parse_email, "mailing_email", then=on_new_address),
    back=False,
    cancel=False,
    keyboard=(SwitchTo(Tr("back"), id="to_list", state=ProfileSG.mailings),),
)


def dialog() -> Dialog:
    return Dialog(
        view_window,
        name_window,
        gender_window,
        birth_date_window,
        phone_edit_window,
        email_window,
        current_password_window,
        new_password_window,
        password_repeat_window,
        mailings_window,
        mailing_email_window,
        companies_window,
        delete_window,
    )
