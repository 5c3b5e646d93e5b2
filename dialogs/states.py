"""Every conversation's states, in one place: dialogs start one another by these."""

from aiogram.fsm.state import State, StatesGroup


class WelcomeSG(StatesGroup):
    welcome = State()


class MenuSG(StatesGroup):
    main = State()
    logout = State()


class FaqSG(StatesGroup):
    questions = State()
    answer = State()


class LanguageSG(StatesGroup):
    choose = State()


class RegistrationSG(StatesGroup):
    phone = State()
    email = State()
    password = State()
    password_repeat = State()
    surname = State()
    name = State()
    patronymic = State()
    birth_date = State()
    gender = State()
    consent = State()


class ConfirmSG(StatesGroup):
    code = State()


class LoginSG(StatesGroup):
    email = State()
    password = State()


class CompleteProfileSG(StatesGroup):
    # named as the profile's fields: the login names the ones to ask for
    phone = State()
    patronymic = State()
    birth_date = State()
    gender = State()


class RecoverySG(StatesGroup):
    code = State()
    password = State()
    password_repeat = State()


class ProfileSG(StatesGroup):
    view = State()
    name = State()
    gender = State()
    birth_date = State()
    phone = State()
    email = State()
    password_current = State()
    password_new = State()
    password_repeat = State()
    mailings = State()
    mailing_email = State()
    mailing_companies = State()
    delete = State()


class AccountsSG(StatesGroup):
    list = State()
    card = State()
    unlink = State()


class LinkSG(StatesGroup):
    number = State()
    relation = State()
    question = State()
    answer = State()


class ReadingsSG(StatesGroup):
    meters = State()
    value = State()
    confirm = State()
    review = State()


class RequisitesSG(StatesGroup):
    info = State()
    contract = State()
    tariffs = State()
    meters = State()


class HistorySG(StatesGroup):
    tabs = State()
    bills = State()
    bill = State()
    bill_supplier = State()
    readings = State()
    meter = State()
    payments = State()


class AppealsSG(StatesGroup):
    list = State()
    account = State()
    supplier = State()
    text = State()
    attachments = State()


class PeriodSG(StatesGroup):
    choose = State()
    start = State()
    end = State()


class PaymentSG(StatesGroup):
    form = State()
    amount = State()
    contact = State()
    rules = State()
    invoiced = State()
    page = State()


class NotificationsSG(StatesGroup):
    kinds = State()


class DevicesSG(StatesGroup):
    devices = State()
    name = State()
    revoke = State()
