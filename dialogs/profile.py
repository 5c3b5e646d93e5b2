"""The profile (guide section 4): what it holds, each field to edit, the e-mail addresses
for the companies' mailings, and deleting the profile."""

from __future__ import annotations

from datetime import date
from typing import Any

from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, StartMode, Window
from aiogram_dialog.widgets.kbd import (
    Button,
    Cancel,
    Column,
    Keyboard,
    Multiselect,
    Row,
    Select,
    SwitchTo,
)
from aiogram_dialog.widgets.text import Format
from aiogram_i18n import I18nContext

from bot.i18n import format_day, joined
from dialogs.inputs import (
    EXPLAINABLE,
    answer,
    delete_secret,
    explain,
    gender_buttons,
    question,
    say,
)
from dialogs.phone import PHONE, phone_window
from dialogs.registration import birth_date, check_repeat, hash_password
from dialogs.states import ConfirmSG, ProfileSG, WelcomeSG
from dialogs.widgets import Notice, Tr, notify
from domain import identity
from domain.identity import CodePurpose
from domain.model import Gender, MailingCompany, Profile
from domain.residents import bound_profile


async def _profile(manager: DialogManager) -> Profile:
    data = manager.middleware_data
    profile = await bound_profile(data["uow"], data["resident"])
    assert profile is not None, "the profile is only opened by a bound resident"
    return profile


async def _saved(manager: DialogManager, profile: Profile) -> None:
    await identity.save_profile(manager.middleware_data["uow"], profile)
    await manager.switch_to(ProfileSG.view)
    notify(manager, "profile-saved")


async def get_profile(dialog_manager: DialogManager, i18n: I18nContext, **_: Any) -> dict[str, Any]:
    profile = await _profile(dialog_manager)
    mailings = await identity.marketing_emails(dialog_manager.middleware_data["uow"], profile)
    return {
        "full_name": profile.full_name,
        "email": profile.email,
        "confirmed": "yes" if profile.email_confirmed else "no",
        "phone": profile.phone or "—",
        "birth_date": format_day(profile.birth_date, i18n.locale) if profile.birth_date else "—",
        "gender": profile.gender.value if profile.gender else "none",
        "mailings": len({m.email for m in mailings}),
    }


# --- Fields -----------------------------------------------------------------------------------


def full_name(text: str, _manager: DialogManager) -> list[str | None]:
    parts = text.split()
    if not 2 <= len(parts) <= 3:
        raise identity.InvalidInput("full-name")
    checked = [identity.check_name(part) for part in parts]
    return [*checked, None][:3]


async def save_name(manager: DialogManager) -> None:
    profile = await _profile(manager)
    profile.surname, profile.name, profile.patronymic = manager.dialog_data["full_name"]
    await _saved(manager, profile)


async def save_birth_date(manager: DialogManager) -> None:
    profile = await _profile(manager)
    profile.birth_date = date.fromisoformat(manager.dialog_data["birth_date"])
    await _saved(manager, profile)


async def save_phone(manager: DialogManager) -> None:
    profile = await _profile(manager)
    profile.phone = manager.dialog_data[PHONE]
    await _saved(manager, profile)


async def on_gender(_callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    profile = await _profile(manager)
    profile.gender = Gender(button.widget_id)
    await _saved(manager, profile)


async def new_email(text: str, manager: DialogManager) -> str:
    email = identity.normalize_email(text)
    await identity.ensure_email_free(manager.middleware_data["uow"], email)
    return email


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


async def check_current(message: Message, _widget: Any, manager: DialogManager) -> None:
    await delete_secret(message)
    profile = await _profile(manager)
    try:
        identity.check_current_password(
            manager.middleware_data["hasher"], profile, message.text or ""
        )
    except EXPLAINABLE as error:
        explain(manager, error)
        return
    await manager.next()


async def save_password(manager: DialogManager) -> None:
    profile = await _profile(manager)
    await identity.change_password(
        manager.middleware_data["uow"], profile, manager.dialog_data.pop("password_hash")
    )
    await manager.switch_to(ProfileSG.view)
    notify(manager, "profile-password-changed")


# --- Mailings -------------------------------------------------------------------------------


async def get_mailings(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    profile = await _profile(dialog_manager)
    i18n = dialog_manager.middleware_data["i18n"]
    by_email: dict[str, list[str]] = {}
    for item in await identity.marketing_emails(dialog_manager.middleware_data["uow"], profile):
        by_email.setdefault(item.email, []).append(i18n.get(f"profile-company-{item.company}"))
    return {
        "addresses": [(email,) for email in by_email],
        "lines": joined(
            i18n.get("profile-mailing-line", email=email, companies=joined(names, ", "))
            for email, names in by_email.items()
        ),
        "none": "no" if by_email else "yes",
    }


async def get_companies(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    i18n = dialog_manager.middleware_data["i18n"]
    return {
        "companies": [(c.value, i18n.get(f"profile-company-{c.value}")) for c in MailingCompany],
        "email": dialog_manager.dialog_data.get("mailing_email", ""),
    }


def mailing_email(text: str, _manager: DialogManager) -> str:
    return identity.normalize_email(text)


async def on_address_chosen(
    _callback: CallbackQuery, _widget: Any, manager: DialogManager, email: str
) -> None:
    """Editing an address starts from the companies it already receives."""
    profile = await _profile(manager)
    current = await identity.marketing_emails(manager.middleware_data["uow"], profile)
    chosen = {m.company.value for m in current if m.email == email}
    if not chosen:
        notify(manager, "profile-mailing-gone")
        return
    manager.dialog_data["mailing_email"] = email
    companies: Multiselect = manager.find("companies")
    await companies.reset_checked()
    for company in chosen:
        await companies.set_checked(company, True)
    await manager.switch_to(ProfileSG.mailing_companies)


async def on_new_address(manager: DialogManager) -> None:
    companies: Multiselect = manager.find("companies")
    await companies.reset_checked()
    for company in MailingCompany:
        await companies.set_checked(company.value, True)
    await manager.switch_to(ProfileSG.mailing_companies)


async def on_save_mailing(
    _callback: CallbackQuery, _button: Button, manager: DialogManager
) -> None:
    profile = await _profile(manager)
    companies: Multiselect = manager.find("companies")
    chosen = {MailingCompany(c) for c in companies.get_checked()}
    await identity.subscribe(
        manager.middleware_data["uow"], profile, manager.dialog_data["mailing_email"], chosen
    )
    await manager.switch_to(ProfileSG.mailings)
    notify(manager, "profile-mailing-saved" if chosen else "profile-mailing-removed")


# --- Deleting -------------------------------------------------------------------------------


async def on_delete(_callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    profile = await _profile(manager)
    await identity.delete_profile(manager.middleware_data["uow"], profile)
    await say(manager, "profile-deleted")
    await manager.start(WelcomeSG.welcome, mode=StartMode.RESET_STACK)


def _to(state, key: str, button_id: str) -> SwitchTo:
    return SwitchTo(Tr(key), id=button_id, state=state)


view_window = Window(
    Notice(),
    Tr("profile-view"),
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
    _to(ProfileSG.mailings, "profile-mailings", "mailings"),
    _to(ProfileSG.delete, "profile-delete", "delete"),
    Cancel(Tr("back")),
    state=ProfileSG.view,
    getter=get_profile,
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
        )
    ),
    Button(Tr("profile-mailing-save"), id="save", on_click=on_save_mailing),
    SwitchTo(Tr("back"), id="to_list", state=ProfileSG.mailings),
    state=ProfileSG.mailing_companies,
    getter=get_companies,
)

delete_window = Window(
    Tr("profile-delete-confirm"),
    Button(Tr("profile-delete-yes"), id="yes", on_click=on_delete),
    SwitchTo(Tr("profile-delete-no"), id="no", state=ProfileSG.view),
    state=ProfileSG.delete,
)


def edit(
    state: State,
    key: str,
    on_text: Any = None,
    *,
    back: bool = False,
    keyboard: tuple[Keyboard, ...] = (),
) -> Window:
    """One field's question, with a way back to the profile instead of Cancel."""
    return question(
        state,
        Tr(key),
        on_text=on_text,
        back=back,
        cancel=False,
        keyboard=(*keyboard, SwitchTo(Tr("back"), id="to_view", state=ProfileSG.view)),
    )


def dialog() -> Dialog:
    return Dialog(
        view_window,
        edit(
            ProfileSG.name, "profile-ask-full-name", answer(full_name, "full_name", then=save_name)
        ),
        edit(ProfileSG.gender, "identity-ask-gender", keyboard=(gender_buttons(on_gender),)),
        edit(
            ProfileSG.birth_date,
            "identity-ask-birth-date",
            answer(birth_date, "birth_date", then=save_birth_date),
        ),
        phone_window(ProfileSG.phone, then=save_phone),
        edit(
            ProfileSG.email,
            "profile-ask-email",
            answer(new_email, "new_email", then=request_email_change),
        ),
        edit(ProfileSG.password_current, "profile-ask-current-password", check_current),
        edit(
            ProfileSG.password_new,
            "identity-ask-new-password",
            answer(hash_password, "password_hash", secret=True),
            back=True,
        ),
        edit(
            ProfileSG.password_repeat,
            "identity-ask-password-repeat",
            answer(check_repeat, "password_repeated", secret=True, then=save_password),
            back=True,
        ),
        mailings_window,
        question(
            ProfileSG.mailing_email,
            Tr("profile-ask-mailing-email"),
            on_text=answer(mailing_email, "mailing_email", then=on_new_address),
            back=False,
            cancel=False,
            keyboard=(SwitchTo(Tr("back"), id="to_list", state=ProfileSG.mailings),),
        ),
        companies_window,
        delete_window,
    )
