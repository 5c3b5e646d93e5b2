"""Questions and answers (guide section 12): the list, each question opening its answer, and
the contact-centre phone."""

from __future__ import annotations

from typing import Any

from aiogram import F
from aiogram.types import CallbackQuery
from aiogram_dialog import DialogManager, Window
from aiogram_dialog.widgets.kbd import Button, Cancel, Group
from aiogram_i18n import I18nContext

from dialogs.context import ctx
from dialogs.states import AppealsSG, FaqSG
from dialogs.widgets import Dialog, Notice, Tr, back_from, choices, notify, one_page, pager
from domain import faq
from domain.errors import FaqEntryNotFound
from domain.model import AppealKind, Utility
from domain.ports import UnitOfWork

QUESTIONS_PER_PAGE = 10


async def get_questions(
    dialog_manager: DialogManager, uow: UnitOfWork, i18n: I18nContext, utility: Utility, **_: Any
) -> dict[str, Any]:
    """The questions written out whole, numbered, a page at a time, with a button per
    number: a question is often longer than a button shows."""
    entries = await faq.questions(uow, i18n.locale, utility.default_locale)
    items = [
        i18n.get("faq-item", number=n, question=entry.question)
        for n, entry in enumerate(entries, start=1)
    ]
    page = one_page(dialog_manager, items, QUESTIONS_PER_PAGE, "\n\n")
    return {
        **page,
        "questions": [(entries[i].id, str(i + 1)) for i in page["shown"]],
        "empty": not entries,
        "phone": utility.contact_phone,
    }


async def get_answer(
    dialog_manager: DialogManager, uow: UnitOfWork, utility: Utility, **_: Any
) -> dict[str, Any]:
    entry = await faq.answer(uow, dialog_manager.dialog_data["entry_id"])
    return {"question": entry.question, "answer": entry.answer, "phone": utility.contact_phone}


async def on_question_chosen(
    _callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: int
) -> None:
    try:
        entry = await faq.answer(ctx(manager).uow, item_id)
    except FaqEntryNotFound:
        notify(manager, "faq-gone")
        return
    manager.dialog_data["entry_id"] = entry.id
    await manager.switch_to(FaqSG.answer)


async def on_ask(_callback: CallbackQuery, _button: Any, manager: DialogManager) -> None:
    """ "Ask a question": the appeal path, marked as a question (guide Fig. 35)."""
    if ctx(manager).resident.profile_id is None:
        notify(manager, "identity-log-in-first")
        return
    await manager.start(AppealsSG.account, data={"kind": AppealKind.QUESTION.value})


questions_window = Window(
    Notice(),
    Tr("faq-title"),
    Tr("faq-empty", when="empty"),
    Tr("faq-list", when=~F["empty"]),
    Tr("faq-contact"),
    Group(choices("question", "questions", on_question_chosen), width=5),
    pager(),
    Button(Tr("faq-ask"), id="ask", on_click=on_ask),
    Cancel(Tr("back")),
    state=FaqSG.questions,
    getter=get_questions,
    preview_data={
        "lines": "1. Как передать показания?",
        "questions": [(1, "1")],
        "page": 1,
        "pages": 2,
        "paged": True,
        "later": True,
        "empty": False,
        "phone": "+7 (3822) 75-00-75",
    },
)

answer_window = Window(
    Notice(),
    Tr("faq-answer"),
    back_from(FaqSG.answer),
    state=FaqSG.answer,
    getter=get_answer,
    preview_data={
        "question": "Как передать показания?",
        "answer": "Откройте «Передать показания».",
        "phone": "+7 (3822) 75-00-75",
    },
)


def dialog() -> Dialog:
    return Dialog(questions_window, answer_window)
