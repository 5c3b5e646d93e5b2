"""Questions and answers (guide section 12): the list, each question opening its answer, and
the contact-centre phone."""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager, Window
from aiogram_dialog.widgets.kbd import Back, Button, Cancel, ScrollingGroup
from aiogram_i18n import I18nContext

from bot.config import Settings
from dialogs.states import AppealsSG, FaqSG
from dialogs.widgets import Notice, Tr, choices, notify
from domain import faq
from domain.model import AppealKind
from domain.ports import UnitOfWork

QUESTION_BUTTON_LENGTH = 60


def _button_text(question: str) -> str:
    if len(question) <= QUESTION_BUTTON_LENGTH:
        return question
    return question[: QUESTION_BUTTON_LENGTH - 1].rstrip() + "…"


async def get_questions(
    uow: UnitOfWork, i18n: I18nContext, settings: Settings, **_: Any
) -> dict[str, Any]:
    entries = await faq.questions(uow, i18n.locale, settings.default_locale)
    return {
        "questions": [(entry.id, _button_text(entry.question)) for entry in entries],
        "empty": not entries,
        "phone": settings.contact_phone,
    }


async def get_answer(
    dialog_manager: DialogManager, uow: UnitOfWork, settings: Settings, **_: Any
) -> dict[str, Any]:
    entry = await faq.answer(uow, dialog_manager.dialog_data["entry_id"])
    return {"question": entry.question, "answer": entry.answer, "phone": settings.contact_phone}


async def on_question_chosen(
    _callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str
) -> None:
    try:
        entry = await faq.answer(manager.middleware_data["uow"], int(item_id))
    except (ValueError, faq.FaqEntryNotFound):
        notify(manager, "faq-gone")
        return
    manager.dialog_data["entry_id"] = entry.id
    await manager.switch_to(FaqSG.answer)


async def on_ask(_callback: CallbackQuery, _button: Any, manager: DialogManager) -> None:
    """ "Ask a question": the appeal path, marked as a question (guide Fig. 35)."""
    if manager.middleware_data["resident"].profile_id is None:
        notify(manager, "identity-log-in-first")
        return
    await manager.start(AppealsSG.account, data={"kind": AppealKind.QUESTION.value})


questions_window = Window(
    Notice(),
    Tr("faq-title"),
    Tr("faq-empty", when="empty"),
    Tr("faq-contact"),
    ScrollingGroup(
        choices("question", "questions", on_question_chosen),
        id="questions",
        width=1,
        height=10,
        hide_on_single_page=True,
    ),
    Button(Tr("faq-ask"), id="ask", on_click=on_ask),
    Cancel(Tr("back")),
    state=FaqSG.questions,
    getter=get_questions,
)

answer_window = Window(
    Tr("faq-answer"),
    Back(Tr("back")),
    state=FaqSG.answer,
    getter=get_answer,
)


def dialog() -> Dialog:
    return Dialog(questions_window, answer_window)
