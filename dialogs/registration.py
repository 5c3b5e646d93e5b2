"""Registration (guide section 1): the guide's fields one at a time, the user agreement,
then the profile, and a letter to confirm the e-mail."""

from __future__ import annotations

from datetime import date
from typing import Any

from aiogram.types import CallbackQuery
from aiogram_dialog import DialogManager, StartMode, Window
from aiogram_dialog.widgets.kbd import Button, Cancel, Row, Url
from aiogram_dialog.widgets.text import Format
from aiogram_i18n import I18nContext

from dialogs.context import ctx
from dialogs.inputs import (
    answer,
    check_password_repeat,
    explain,
    gender_buttons,
    hash_password,
    next_step,
    parse_birth_date,
    parse_free_email,
    parse_name,
    parse_patronymic,
    parse_surname,
    question,
)
from dialogs.phone import phone_window
from dialogs.states import ConfirmSG, RegistrationSG
from dialogs.widgets import Dialog, Notice, Tr, back_from
from domain import registration
from domain.errors import EmailTaken
from domain.model import CodePurpose, Gender, Utility
from domain.registration import NewProfile
from rendering.texts import format_day, format_name


async def skip(manager: DialogManager) -> None:
    state = manager.current_context().state
    manager.dialog_data[str(state.state).split(":")[1]] = None
    await manager.next()


async def on_gender(_callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    manager.dialog_data["gender"] = button.widget_id
    await manager.next()


async def on_consent(_callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    data = manager.dialog_data
    new = NewProfile(
        phone=data.get("phone"),
        email=data["email"],
        password_hash=data["password_hash"],
        surname=data["surname"],
        name=data["name"],
        patronymic=data.get("patronymic"),
        birth_date=date.fromisoformat(data["birth_date"]) if data.get("birth_date") else None,
        gender=Gender(data["gender"]) if data.get("gender") else None,
    )
    context = ctx(manager)
    try:
        profile = await registration.register(context.uow, context.clock, context.resident, new)
    except EmailTaken as error:
        explain(manager, error)
        await manager.switch_to(RegistrationSG.email)
        return
    context.signed_in(profile)
    await manager.start(
        ConfirmSG.code,
        mode=StartMode.RESET_STACK,
        data={"purpose": CodePurpose.CONFIRM_EMAIL, "email": profile.email, "send": True},
    )


async def get_consent(
    dialog_manager: DialogManager, utility: Utility, i18n: I18nContext, **_: Any
) -> dict[str, Any]:
    """What was entered, to be read over before it is accepted."""
    data = dialog_manager.dialog_data
    born = data.get("birth_date")
    return {
        "agreement_url": utility.user_agreement_url,
        "full_name": format_name(
            data.get("surname"), data.get("name"), data.get("patronymic"), i18n.locale
        ),
        "email": data.get("email", ""),
        "phone": data.get("phone") or "—",
        "birth_date": format_day(date.fromisoformat(born), i18n.locale) if born else "—",
        "gender": data.get("gender") or "none",
    }


phone_step_window = phone_window(RegistrationSG.phone, then=next_step, skip=next_step)


email_window = question(
    RegistrationSG.email,
    Tr("identity-ask-email"),
    on_text=answer(parse_free_email, "email"),
)


password_window = question(
    RegistrationSG.password,
    Tr("identity-ask-password"),
    on_text=answer(hash_password, "password_hash", secret=True),
    secret=True,
)


password_repeat_window = question(
    RegistrationSG.password_repeat,
    Tr("identity-ask-password-repeat"),
    on_text=answer(check_password_repeat, "password_repeated", secret=True),
    secret=True,
)


surname_window = question(
    RegistrationSG.surname,
    Tr("identity-ask-surname"),
    on_text=answer(parse_surname, "surname"),
)


name_window = question(
    RegistrationSG.name, Tr("identity-ask-name"), on_text=answer(parse_name, "name")
)


patronymic_window = question(
    RegistrationSG.patronymic,
    Tr("identity-ask-patronymic"),
    on_text=answer(parse_patronymic, "patronymic"),
    skip=skip,
)


birth_date_window = question(
    RegistrationSG.birth_date,
    Tr("identity-ask-birth-date"),
    on_text=answer(parse_birth_date, "birth_date"),
    skip=skip,
)


gender_window = question(
    RegistrationSG.gender,
    Tr("identity-ask-gender"),
    keyboard=(gender_buttons(on_gender),),
    skip=skip,
)


consent_window = Window(
    Notice(),
    Tr("registration-consent"),
    Url(Tr("registration-agreement"), Format("{agreement_url}")),
    Button(Tr("registration-accept"), id="accept", on_click=on_consent),
    Row(back_from(RegistrationSG.consent), Cancel(Tr("cancel"))),
    state=RegistrationSG.consent,
    getter=get_consent,
    preview_data={
        "agreement_url": "https://example.org/agreement",
        "full_name": "Малашта Светлана Михайловна",
        "email": "resident@example.org",
        "phone": "+79138250075",
        "birth_date": "31.12.1980",
        "gender": "female",
    },
)


def dialog() -> Dialog:
    return Dialog(
        phone_step_window,
        email_window,
        password_window,
        password_repeat_window,
        surname_window,
        name_window,
        patronymic_window,
        birth_date_window,
        gender_window,
        consent_window,
    )
