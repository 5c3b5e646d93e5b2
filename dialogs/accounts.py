"""Your accounts (guide section 6), linking one with a control question (section 5), and
unlinking."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal
from typing import Any

from aiogram import F
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager, Window
from aiogram_dialog.widgets.kbd import (
    Button,
    Cancel,
    Column,
    Row,
    Start,
    SwitchTo,
)
from aiogram_i18n import I18nContext

from dialogs.context import chosen_account, ctx
from dialogs.inputs import question, say
from dialogs.menu import open_from_start
from dialogs.states import (
    AccountsSG,
    AppealsSG,
    HistorySG,
    LinkSG,
    PaymentSG,
    ReadingsSG,
    RequisitesSG,
)
from dialogs.widgets import Dialog, Notice, Pages, Tr, choices, label, notify
from domain import accounts, payments
from domain.accounts import ControlQuestion
from domain.errors import (
    AccountNotFound,
    AlreadyLinked,
    EmailNotConfirmed,
    InvalidInput,
    LinkLocked,
    WrongAnswer,
)
from domain.model import Profile, Relation, TelegramUser
from domain.ports import UnitOfWork
from domain.residents import linked_accounts
from rendering.texts import short_address

# --- Your accounts ----------------------------------------------------------------------------


async def get_accounts(
    dialog_manager: DialogManager,
    uow: UnitOfWork,
    resident: TelegramUser,
    profile: Profile,
    i18n: I18nContext,
    **_: Any,
) -> dict[str, Any]:
    items = [
        (
            account.id,
            label(
                i18n,
                "accounts-button",
                last="yes" if account.id == resident.last_account_id else "no",
                kind=account.kind.value,
                address=short_address(account.address),
            ),
        )
        for account in await linked_accounts(uow, profile)
    ]
    return {
        "accounts": items,
        "none": "yes" if not items else "no",
        "purpose": _purpose(dialog_manager),
        "starred": "yes" if len(items) > 1 and resident.last_account_id is not None else "no",
    }


# What the accounts list may be opened for, and what choosing an account then opens: its
# card, or (from the main menu, with several accounts) its readings or its payment form.
_PURPOSES = {"card": AccountsSG.card, "readings": ReadingsSG.meters, "pay": PaymentSG.form}


def _purpose(manager: DialogManager) -> str:
    data = manager.start_data
    purpose = data.get("for") if isinstance(data, dict) else None
    return purpose if purpose in _PURPOSES else "card"


async def on_account_chosen(
    _callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: int
) -> None:
    context = ctx(manager)
    try:
        account = await accounts.open_account(
            context.uow, context.resident, context.profile, item_id
        )
    except AccountNotFound:
        notify(manager, "accounts-not-found")
        return
    purpose = _purpose(manager)
    if purpose != "card":
        await manager.start(_PURPOSES[purpose], data={"account_id": account.id})
        return
    manager.dialog_data["account_id"] = account.id
    await manager.switch_to(AccountsSG.card)


async def get_card(
    dialog_manager: DialogManager, uow: UnitOfWork, profile: Profile, **_: Any
) -> dict[str, Any]:
    card = await accounts.account_card(uow, profile, chosen_account(dialog_manager))
    account, bill = card.account, card.latest_bill
    due = (await payments.amount_due(uow, account)).total
    return {
        "number": account.number,
        "kind": account.kind.value,
        "address": account.address,
        "owner": account.owner_name,
        "has_bill": "yes" if bill else "no",
        "period": bill.period if bill else "",
        "total": bill.total if bill else 0,
        "due": "same" if bill is None or due == bill.total else due,
    }


async def on_unlink(_callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    context = ctx(manager)
    try:
        await accounts.unlink(
            context.uow, context.clock, context.resident, context.profile, chosen_account(manager)
        )
    except AccountNotFound:
        notify(manager, "accounts-not-found")
        await manager.switch_to(AccountsSG.list)
        return
    manager.dialog_data.pop("account_id", None)
    await manager.switch_to(AccountsSG.list)
    notify(manager, "accounts-unlinked")


CARD_PREVIEW = {
    "number": "800100000001",
    "kind": "epd",
    "address": "634000, Томск, ул. Ленина, д. 1, кв. 1",
    "owner": "Малашта Светлана",
    "has_bill": "yes",
    "period": date(2026, 10, 1),
    "total": Decimal("1628.12"),
    "due": "same",
}

list_window = Window(
    Notice(),
    Tr("accounts-list"),
    Pages(
        choices("account", "accounts", on_account_chosen),
        id="accounts",
        width=1,
        height=8,
        hide_on_single_page=True,
    ),
    # Linking belongs to the list of accounts, not to the choice of which to pay or read,
    # unless there is nothing to choose from.
    Start(
        Tr("accounts-add"),
        id="add",
        state=LinkSG.number,
        when=(F["purpose"] == "card") | (F["none"] == "yes"),
    ),
    Cancel(Tr("back")),
    state=AccountsSG.list,
    getter=get_accounts,
    preview_data={
        "accounts": [
            (1, "⭐ ЕПД · Томск, ул. Ленина, д. 1, кв. 1"),
            (2, "ЕПД · Томск, пр. Мира, д. 3"),
        ],
        "none": "no",
        "purpose": "card",
        "starred": "yes",
    },
)


def for_account(state: State) -> Callable[..., Awaitable[None]]:
    """A button's action that opens another dialog about the account on the card."""

    async def on_click(_callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
        await manager.start(state, data={"account_id": chosen_account(manager)})

    return on_click


card_window = Window(
    Notice(),
    Tr("accounts-card"),
    Button(Tr("accounts-pay"), id="pay", on_click=for_account(PaymentSG.form)),
    Row(
        Button(Tr("accounts-readings"), id="readings", on_click=for_account(ReadingsSG.meters)),
        Button(Tr("accounts-requisites"), id="requisites", on_click=for_account(RequisitesSG.info)),
    ),
    Row(
        Button(Tr("accounts-history"), id="history", on_click=for_account(HistorySG.tabs)),
        Button(Tr("accounts-appeals"), id="appeals", on_click=for_account(AppealsSG.list)),
    ),
    SwitchTo(Tr("accounts-unlink"), id="unlink", state=AccountsSG.unlink),
    SwitchTo(Tr("back"), id="to_list", state=AccountsSG.list),
    state=AccountsSG.card,
    getter=get_card,
    preview_data=CARD_PREVIEW,
)

unlink_window = Window(
    Notice(),
    Tr("accounts-unlink-confirm"),
    Button(Tr("accounts-unlink-yes"), id="yes", on_click=on_unlink),
    SwitchTo(Tr("accounts-unlink-no"), id="no", state=AccountsSG.card),
    state=AccountsSG.unlink,
    getter=get_card,
    preview_data=CARD_PREVIEW,
)


def accounts_dialog() -> Dialog:
    return Dialog(list_window, card_window, unlink_window)


# --- Linking ----------------------------------------------------------------------------------


async def on_number(message: Message, _widget: Any, manager: DialogManager) -> None:
    context = ctx(manager)
    try:
        account = await accounts.find_account(
            context.uow, context.clock, context.profile, message.text or ""
        )
    except EmailNotConfirmed:
        await say(manager, "accounts-confirm-email-first")
        await manager.done()
        return
    except (AccountNotFound, AlreadyLinked, LinkLocked, InvalidInput) as error:
        explain_link(manager, error)
        return
    manager.dialog_data["number"] = account.number
    await manager.next()


def _locked(manager: DialogManager, error: LinkLocked) -> dict[str, Any]:
    context = ctx(manager)
    return {"until": context.clock.local(error.until), "phone": context.utility.contact_phone}


def explain_link(manager: DialogManager, error: Exception) -> None:
    if isinstance(error, InvalidInput) and error.reason != "account-number":
        notify(manager, f"accounts-invalid-{error.reason}")
    elif isinstance(error, AccountNotFound | InvalidInput):
        notify(manager, "accounts-number-not-found")
    elif isinstance(error, AlreadyLinked):
        notify(manager, "accounts-already-linked")
    elif isinstance(error, LinkLocked):
        notify(manager, "accounts-link-locked", **_locked(manager, error))
    elif isinstance(error, WrongAnswer):
        notify(manager, "accounts-wrong-answer", left=error.attempts_left)


async def get_relations(
    dialog_manager: DialogManager, i18n: I18nContext, **_: Any
) -> dict[str, Any]:
    return {
        "relations": [(r.value, i18n.get(f"accounts-relation-{r.value}")) for r in Relation],
        "number": dialog_manager.dialog_data.get("number", ""),
    }


async def on_relation(
    _callback: CallbackQuery, _widget: Any, manager: DialogManager, relation: Relation
) -> None:
    manager.dialog_data["relation"] = relation.value
    await manager.next()


async def on_question(_callback: CallbackQuery, button: Button, manager: DialogManager):
    manager.dialog_data["question"] = button.widget_id
    await manager.next()


async def get_question(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    return {
        "question": dialog_manager.dialog_data.get("question", ControlQuestion.LINK_CODE),
        "number": dialog_manager.dialog_data.get("number", ""),
    }


async def on_answer(message: Message, _widget: Any, manager: DialogManager) -> None:
    context = ctx(manager)
    chosen = manager.dialog_data
    try:
        account = await accounts.answer_control_question(
            context.uow,
            context.clock,
            context.resident,
            context.profile,
            chosen["number"],
            Relation(chosen["relation"]),
            ControlQuestion(chosen["question"]),
            message.text or "",
        )
    except LinkLocked as error:
        # Nothing more to try until then: said with where to call, and back to where the
        # linking began.
        await say(manager, "accounts-link-locked", **_locked(manager, error))
        await manager.done()
        return
    except (AccountNotFound, AlreadyLinked, WrongAnswer, InvalidInput) as error:
        explain_link(manager, error)
        return
    await say(manager, "accounts-linked", number=account.number, address=account.address)
    # The card over the main menu: its Back leads to the list of accounts, and the list's to
    # the menu, whichever screen the linking started from.
    await open_from_start(
        manager, ctx(manager).resident, AccountsSG.card, {"account_id": account.id}
    )


number_window = question(LinkSG.number, Tr("accounts-ask-number"), on_text=on_number, back=False)

relation_window = question(
    LinkSG.relation,
    Tr("accounts-ask-relation"),
    keyboard=(Column(choices("relation", "relations", on_relation, read_id=Relation)),),
    getter=get_relations,
    preview_data={"relations": [("owner", "Собственник")], "number": "800100000001"},
)

question_window = question(
    LinkSG.question,
    Tr("accounts-ask-question"),
    keyboard=(
        Column(
            Button(
                Tr("accounts-question-code"),
                id=ControlQuestion.LINK_CODE,
                on_click=on_question,
            ),
            Button(
                Tr("accounts-question-total"),
                id=ControlQuestion.TOTAL,
                on_click=on_question,
            ),
        ),
    ),
)

answer_window = question(
    LinkSG.answer,
    Tr("accounts-ask-answer"),
    on_text=on_answer,
    getter=get_question,
    preview_data={"question": ControlQuestion.LINK_CODE, "number": "800100000001"},
)


def link_dialog() -> Dialog:
    return Dialog(number_window, relation_window, question_window, answer_window)
