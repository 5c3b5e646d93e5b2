## Common
back = ◀️ Back
cancel = ✖️ Cancel
skip = Skip ⏭
error-apology = 😔 Something went wrong. We are looking into it; please try again a little later or start over: /start
menu-keyboard-outdated = Those buttons no longer work.
menu-outdated = This menu is out of date. Here is the current one.

## Commands (Telegram menu)
command-start = Main menu
command-help = What the bot can do
command-faq = Questions and answers
command-language = Language / Язык
command-cancel = Cancel the current action
command-profile = Profile
command-notifications = Notifications
command-logout = Log out of the customer account
command-mydata = Your data the bot keeps
command-open = Appeals without an answer
command-broadcasts = Latest broadcasts
command-photo = A reading's photo by its export number

## What a stranger reads in Telegram before pressing Start
bot-short-description = Tomskenergosbyt customer account: meter readings, bills, payments, appeals.
bot-description =
    The Tomskenergosbyt customer account in Telegram.

    • send meter readings
    • bills, receipts and charge history
    • pay by card or through YooKassa
    • account details
    • write to your service suppliers

    Send /start to log in or register.

## /start
start-welcome =
    Hello! This is the customer account of <b>Tomskenergosbyt</b> in Telegram.

    Here you can submit meter readings,{ $pay ->
        [yes] {" "}pay bills,
       *[no] {""}
    } look through your charges and write appeals. To begin, register or log in.
start-register = 📝 Register
start-login = 🔑 Log in
menu-greeting =
    { $name }, welcome to your customer account!

    { $accounts ->
        [0] No personal accounts are linked yet.
        [one] { $accounts } personal account is linked.
       *[other] { $accounts } personal accounts are linked.
    }{ $owes ->
        [yes] {"\u000A"}To pay: <b>{ MONEY($due) }</b>
       *[no] {""}
    }
menu-unconfirmed = ⚠️ The e-mail { $email } is not confirmed yet: personal accounts can be linked once it is.
menu-confirm-email = ✉️ Confirm e-mail
menu-profile = 👤 Profile
menu-logout = 🚪 Log out
menu-faq = ❓ Questions and answers
menu-language = 🌐 Language

## /help
help-text =
    <b>Commands</b>
    /start — main menu
    /accounts — your personal accounts
    /profile — profile
    /notifications — which notifications to get
    /faq — questions and answers
    /language — change the language
    /cancel — cancel the current action
    /help — this help
    /logout — log out of the customer account
    /mydata — your data the bot keeps

    Contact centre: { $phone }

mydata-caption = 📦 Everything the bot keeps about your profile: the profile, linked accounts, appeals, payments, devices, mailings and notifications. Readings and bills belong to the personal account itself: they are in 📜 History. What is kept, how long and why is in the <a href="{ $policy }">data policy</a>; the profile can be deleted in /profile.

## /cancel
cancel-done = Cancelled.
cancel-nothing = There is nothing to cancel.

## Language
language-choose = Choose a language:
language-ru = 🇷🇺 Русский
language-en = 🇬🇧 English

## Questions and answers
faq-item = <b>{ $number }.</b> { $question }
faq-title =
    <b>Questions and answers</b>{ $pages ->
        [1] {""}
       *[other] {" "}({ $page } of { $pages })
    }
faq-list =
    {""}
    { $lines }

    Press a question's number to see its answer.
faq-empty = There are no questions yet.
faq-contact = Contact centre: { $phone }
faq-answer =
    <b>{ $question }</b>

    { $answer }

    Did not find an answer? Contact centre: { $phone }
faq-gone = This question is no longer on the list.

## Input
input-text-expected = Please answer with text.
input-button-expected = Please choose with a button below.
input-unknown-command-here = There is no such command. Choose with a button below; /help lists the commands.
input-unknown-button = This button no longer works. Choose one of those on the screen.
input-unknown-command = There is no such command. Answer the question below, or send /cancel to leave, /help for the commands.
input-unstorable = The message holds an invisible control character (a null byte) the bot cannot keep. Remove it and send the message again.

## Registration, login, profile: questions
identity-ask-phone = Your mobile phone number: press "Share my number" or type it, e.g. +7 913 825-00-75.
identity-share-contact = 📱 Share my number
identity-phone-hint = +7 913 825-00-75
identity-ask-email = Your e-mail: it will be your login to the customer account.
identity-ask-password =
    Choose a password: at least 8 characters, with digits, upper- and lower-case Latin letters.

    The bot deletes the message with the password at once.
identity-ask-new-password =
    Choose a new password: at least 8 characters, with digits, upper- and lower-case Latin letters.

    The bot deletes the message with the password at once.
identity-ask-password-repeat = Repeat the password.
identity-ask-surname = What is your surname?
identity-ask-name = What is your first name?
identity-ask-patronymic = What is your patronymic? If you have none, skip it.
identity-ask-birth-date = When were you born? Type the date as DD.MM.YYYY, e.g. 31.12.1980, or skip it.
identity-ask-gender = Choose your gender, or skip it.
identity-gender-male = Male
identity-gender-female = Female
identity-ask-code = Enter the six-digit code from the letter sent to { $email }, or open the link in it.
identity-send-again = 🔁 Send again
identity-later = Later

## Registration, login, profile: answers
identity-invalid-email = That does not look like an e-mail address. Example: ivanova@mail.ru
identity-invalid-phone = The number was not recognised. Enter a mobile number of 10 digits after +7, e.g. +7 913 825-00-75.
identity-invalid-password-short = The password is too short: at least 8 characters are needed.
identity-invalid-password-long = The password is too long: at most 128 characters.
identity-invalid-password-same = That is your current password: choose another one.
identity-invalid-password-weak = The password needs digits, upper- and lower-case Latin letters.
identity-invalid-name = Enter the name in letters (a hyphen and a space are fine), at most 100 characters.
identity-invalid-surname = Enter the surname in letters (a hyphen and a space are fine), at most 100 characters.
identity-invalid-patronymic = Enter the patronymic in letters (a hyphen and a space are fine), at most 100 characters.
identity-invalid-same-email = That is your current e-mail. Enter a new address or press "Back".
identity-invalid-full-name = Enter your surname, first name and, if any, patronymic, separated by spaces.
identity-invalid-code-format = The code from the letter is six digits, e.g. 123456. This try was not counted.
identity-invalid-date-format = Enter the date as DD.MM.YYYY, e.g. 31.12.1980.
identity-invalid-date-impossible = There is no such date. Check the day and the month.
identity-invalid-date-future = That date has not come yet. Check the year.
identity-invalid-date-too-late = You must be at least 14 years old to register. Check the year.
identity-invalid-date-too-early = Check the year of birth: it is too long ago.
identity-passwords-differ = The passwords differ. Enter the password again.
identity-email-taken = This e-mail cannot be used for registration. If it is yours, log in or recover the password.
identity-contact-not-yours = That is someone else's contact. Press "Share my number" to send yours, or type the number.
identity-code-sent = ✉️ A letter with the code has been sent.
identity-mail-failed = The letter could not be sent: the mail server is unavailable. Your data are kept; press "Send again" a little later.
identity-resend-too-soon = A new letter can be sent in { $seconds } s.
identity-code-wrong =
    Wrong code. { $left ->
        [one] { $left } attempt left.
       *[other] { $left } attempts left.
    }
identity-code-voided = The code was entered wrong 5 times and no longer works. Press "Send again" for a new one.
identity-code-expired = The code has expired. Press "Send again" for a new one.
identity-code-not-found = There is no valid code. Press "Send again" for a new one.
identity-email-confirmed = ✅ The e-mail { $email } is confirmed.
identity-link-invalid = The link from the letter no longer works. Ask for a new letter.
identity-log-in-first = Log in to the customer account or register first.
identity-wrong-password = The current password is wrong.

## Registration
registration-consent =
    Almost done. Check that all is right:

    Name: { $full_name }
    E-mail (login): { $email }
    Mobile phone: { PHONE($phone) }
    Date of birth: { $birth_date }
    Gender: { $gender ->
        [male] male
        [female] female
       *[none] not given
    }

    By pressing "I accept" you accept the user agreement and consent to the processing of your personal data. "Back" lets you correct an answer.
registration-agreement = 📄 User agreement
registration-accept = ✅ I accept

## Login and password recovery
login-ask-email = Enter the e-mail you registered with.
login-ask-password = Enter the password. The bot deletes the message with the password at once.
login-forgot = Forgot your password?
login-wrong = Wrong e-mail or password.
login-locked = Too many failed login attempts. Try again after { TIME($until) }.
session-ended = 🔒 You were logged out: the profile's password or e-mail was changed, or the profile was deleted. To go on, log in again — /start.
logout-confirm = Log out of the customer account in this chat? To log in again you will need your e-mail and password.
logout-yes = 🚪 Yes, log out
logout-done = You have logged out of the customer account. To log in again: /start
recovery-sent = If { $email } is registered, a letter with a code has been sent to it.
recovery-ask-code = Enter the code from the letter, or open the link in it.
recovery-done = ✅ The password is changed.

## Profile
profile-view =
    <b>Profile</b>

    Name: { $full_name }
    Gender: { $gender ->
        [male] male
        [female] female
       *[none] not given
    }
    Date of birth: { $birth_date }
    Mobile phone: { PHONE($phone) }
    E-mail (login): { $email } { $confirmed ->
        [yes] ✅
       *[no] ⚠️ not confirmed
    }
    Addresses for mailings: { $mailings ->
        [0] none
        [one] { $mailings } address
       *[other] { $mailings } addresses
    }
profile-email-waiting ={""}
    The new e-mail { $waiting } waits to be confirmed: enter the code from the letter.
profile-enter-code = ✉️ Enter the code from the letter
profile-code-expired = The code for the new e-mail is no longer valid: enter the address again and we will send a new one.
profile-edit-name = ✏️ Full name
profile-edit-gender = ✏️ Gender
profile-edit-birth-date = ✏️ Date of birth
profile-edit-phone = ✏️ Phone
profile-edit-email = ✏️ E-mail
profile-edit-password = 🔑 Password
profile-mailings = 📬 Mailings
profile-notifications = 🔔 Notifications
profile-delete = 🗑 Delete profile
profile-saved = ✅ Saved.
profile-ask-full-name = Enter your surname, first name and patronymic separated by spaces, e.g.: Ivanova Maria Petrovna
profile-ask-email = Enter the new e-mail. It becomes your login once confirmed with the code from the letter.
profile-ask-current-password = Enter the current password. The bot deletes the message with the password at once.
profile-password-changed = ✅ The password is changed.
profile-mailings-list =
    <b>Advertising and information mailings</b>

    { $none ->
        [yes] There are no addresses for mailings yet.
       *[other] { $lines }
    }

    Choose an address to change its mailings, or add a new one.
profile-mailing-add = ➕ Add an address
profile-ask-mailing-email = Enter the e-mail for mailings.
profile-mailing-companies =
    Which mailings go to { $email }? Tick the companies and press "Save". Untick both to remove the address.
profile-mailing-save = 💾 Save
profile-mailing-saved = ✅ Mailings saved.
profile-mailing-removed = The address is removed from the mailings.
profile-mailing-gone = This address is no longer in the mailings.
profile-company-tomskrts = TomskRTS
profile-company-tomskenergosbyt = Tomskenergosbyt
profile-delete-confirm =
    Delete the profile? Your personal data and the links to personal accounts will be deleted. The accounts' own data (charges, payments, readings) stay with the supplier.
profile-delete-yes = Yes, delete the profile
profile-delete-no = No, keep it
profile-deleted = The profile is deleted. Thank you for being with us. To register again: /start

## Letters
mail-confirm_email-subject = Confirm your e-mail for the customer account
mail-confirm_email-body =
    Hello!

    The code to confirm your e-mail: { $code }

    Or open the link: { $link }

    The code is valid for { $minutes } minutes. If you did not register in the Tomskenergosbyt customer account, just delete this letter.
mail-change_email-subject = Confirm the new e-mail for the customer account
mail-change_email-body =
    Hello!

    The code to confirm your new e-mail: { $code }

    Or open the link: { $link }

    The code is valid for { $minutes } minutes. If you did not change your e-mail in the customer account, just delete this letter.
mail-recover_password-subject = Password recovery for the customer account
mail-recover_password-body =
    Hello!

    The code to change your password: { $code }

    Or open the link: { $link }

    The code is valid for { $minutes } minutes. If you did not ask to change the password, just delete this letter: the password stays as it was.

## Personal accounts
menu-accounts = 💼 Your accounts
menu-add-account = ➕ Link a personal account
menu-pay = 💳 Pay
menu-readings = 📟 Submit readings
command-accounts = Your personal accounts
accounts-kind-epd = Single bill
accounts-kind-electricity = Electricity
accounts-button = { $last ->
        [yes] ⭐{" "}
       *[no] {""}
    }{ $kind ->
        [epd] { accounts-kind-epd }
       *[electricity] { accounts-kind-electricity }
    } · { $address }
accounts-list =
    <b>Your accounts</b>

    { $none ->
        [yes] No personal accounts are linked yet. Press "Link a personal account".
       *[no] { $purpose ->
            [pay] Choose the account to pay.
            [readings] Choose the account to send readings for.
           *[card] Choose a personal account.
        }
    }{ $starred ->
        [yes] {""}
            ⭐ marks the account you opened last.
       *[no] {""}
    }
accounts-add = ➕ Link a personal account
accounts-card =
    <b>Personal account No. { $number }</b> · { $kind ->
        [epd] single bill
       *[electricity] electricity
    }
    { $address }
    Owner: { $owner }
    { $has_bill ->
        [yes] Latest bill: { MONTH($period) }, to pay { MONEY($total) }{ $due ->
            [same] {""}
           *[other] {"\u000A"}Left to pay after payments since the bill: <b>{ MONEY($due) }</b>
        }
       *[no] No bills yet.
    }
accounts-readings = 📟 Submit readings
accounts-requisites = 📋 Account details
accounts-unlink = 🔗 Unlink the account
accounts-unlink-confirm = Unlink the personal account No. { $number } ({ $address }) from your customer account? Its data stay; you can link it again. The devices that send its readings stop.
accounts-unlink-yes = Yes, unlink
accounts-unlink-no = No
accounts-unlinked = The personal account is unlinked.
accounts-not-found = This personal account is not linked to your customer account.
accounts-confirm-email-first = To link a personal account, confirm your e-mail first: press "Confirm e-mail" in the main menu.
accounts-ask-number = Enter the personal account number. It is on the bill: on a single bill, in the "Personal account" field.
accounts-invalid-link-code = The linking code is 4 to 32 characters without spaces, as printed on the bill. This try was not counted.
accounts-invalid-total = Type the amount in figures, kopecks after a dot or a comma, e.g. 1628.12 or 1 628,12. This try was not counted.
accounts-number-not-found = The personal account was not found. Check the number and try again.
accounts-already-linked = This personal account is already linked to your customer account.
accounts-link-locked = Too many wrong answers to the control question. You can link this account after { DATETIME($until) }. If the account is yours and the answer does not fit, call the contact centre: { $phone }.
accounts-ask-relation = Personal account No. { $number } found. What is your relation to it?
accounts-relation-owner = Owner
accounts-relation-co_owner = Co-owner
accounts-relation-tenant = Tenant
accounts-relation-family = Owner's family member
accounts-relation-representative = Representative by power of attorney
accounts-ask-question = Choose a control question. The answer is on your latest bill.
accounts-question-code = The linking code from the bill
accounts-question-total = The amount "TOTAL TO PAY"
accounts-ask-answer = { $question ->
        [code] Enter the linking code: it is printed in the closed part of the bill ("Код для добавления договора").
       *[total] Enter the "TOTAL TO PAY" amount of the latest bill to the kopeck, e.g. 1628.12.
    }
accounts-wrong-answer =
    Wrong answer. { $left ->
        [one] { $left } attempt left
       *[other] { $left } attempts left
    }; after them, the account can be linked only a day later.
accounts-linked = ✅ Personal account No. { $number } is linked: { $address }

## Readings
meter-service-electricity = Electricity
meter-service-hot_water = Hot water
meter-service-cold_water = Cold water
meter-service-heating = Heating
meter-service-gas = Gas
readings-meters =
    <b>Submitting readings</b>{ $pages ->
        [1] {""}
       *[other] {" "}({ $page } of { $pages })
    }
    { $address }

    { $lines }

    { $none ->
        [yes] The account has no meters.
       *[no] Choose a meter to submit its readings.
    }
readings-meter = Meter No. { $number } — { $service } / verification { $expired ->
        [yes] expired on { DATE($until) } ⛔
       *[no] valid until { DATE($until) }
    }
readings-last =   Last readings{ $zone ->
        [day] {" "}(day)
        [night] {" "}(night)
       *[single] {""}
    } { DATE($date) }: { VALUE($value) } { UNIT($unit) }
readings-meter-button = No. { $number } · { $service }
readings-meter-not-found = This meter does not belong to your personal accounts.
readings-meter-expired = The verification of meter No. { $number } expired on { DATE($until) }: its readings are not accepted. Have the meter verified or replaced and tell the supplier; then submit readings as usual.
readings-ask-value =
    Meter No. { $number }{ $zone ->
        [day] , day zone
        [night] , night zone
       *[single] {""}
    }. Enter the current readings, { UNIT($unit) } (up to { $before } digits before the point and { $after } after).{ $has_last ->
        [yes] {" "}Last: { VALUE($last) } on { DATE($date) }.
       *[no] {""}
    }
    { $photo ->
        [yes] 📷 The meter's photo is attached.
       *[no] You may attach a photo of the meter: send it, with the readings as its caption or in the next message.
    }
readings-already-billed = This month's readings were used in the bill of { MONTH($month) } and cannot be changed. Submit the next ones next month; if the bill is wrong, write to the supplier (✉️ Appeals).
readings-lower-than-last = The readings cannot be lower than the last ones ({ VALUE($last) }). Check the digits and enter them again.
readings-not-a-number = Enter the readings as a number, e.g. 74.5 or 74,5.
readings-too-many-digits = The meter does not show so many digits: up to { $before } before the point and { $after } after it.
readings-confirm = { $reason ->
        [below] The readings { VALUE($value) } are lower than the last ones ({ VALUE($last) } { UNIT($unit) }). That happens when the meter rolls over zero. Submit them?
       *[high] The consumption is much higher than usual (on average { VALUE($average) } { UNIT($unit) } a month). Check the readings: submit { VALUE($value) } { UNIT($unit) }?
    }
readings-confirm-yes = Yes, submit
readings-confirm-no = No, correct
readings-saved = ✅ The readings of meter No. { $number } are submitted and will count in the bill for { MONTH($month) }.
readings-saved-outside = ✅ The readings of meter No. { $number } were submitted outside the reading period and will count in the bill for { MONTH($month) }.
readings-review =
    Meter No. { $number }: check the readings before they are sent.
    { $lines }
readings-review-line = { $zone ->
        [day] Day
        [night] Night
       *[single] Reading
    }: { VALUE($value) } { UNIT($unit) }
readings-send = 📨 Send
readings-retype = ✏️ Type again
readings-write-appeal = ✉️ Write to the supplier about verification
readings-appeal-draft = The verification of meter No. { $number } ({ $service }) expired on { DATE($until) }. Please tell me how to have it verified or replaced, so that I can send readings again.
readings-replaced =
    ♻️ Meter No. { $number } already had readings for { MONTH($month) } — the new ones count:
    { $lines }
readings-replaced-line = { $zone ->
        [day] day:{" "}
        [night] night:{" "}
       *[single] {""}
    }was { VALUE($before) }, now { VALUE($after) } { UNIT($unit) }

## Account details
requisites-contract-button = { $supplier } — { $service } No. { $number }
requisites-info =
    <b>Account details</b>

    Owner: { $owner }
    Registered address: { $address }
    Total/living area: { VALUE($total_area) }/{ VALUE($living_area) } m²
    Registered persons: { $persons }

    <b>Contracts</b> — choose one to see its tariff:
requisites-not-found = This contract does not belong to your personal accounts.
requisites-contract =
    <b>{ $supplier } — { $service }</b>
    Account No. { $supplier_account }

    Tariff: { $tariff_name }
    Tariff value: { VALUE($tariff_value) } { PRICE_UNIT($tariff_unit) }
requisites-tariff-history = Tariff history
requisites-meter-list = Meter list
requisites-tariffs =
    <b>Tariff history</b>{ $pages ->
        [1] {""}
       *[other] {" "}({ $page } / { $pages })
    }
    Start date · value · period

    { $none ->
        [yes] There is no tariff history.
       *[no] { $lines }
    }
requisites-tariff-line = { DATE($starts) } · { VALUE($value) } · { $period }
requisites-meter-line = { $supplier } · { $service } · No. { $number } · last reading { $read } · up to { $before } digits before the point and { $after } after · verification until { DATE($until) }
## Account history
accounts-history = 📜 History
page-prev = ⏪ Previous
page-next = Next ⏩
page-of = · { $page } of { $pages } ·
calendar-months = 📅 Months
period-last-3 = The last three months
period-last-6 = The last six months
period-last-12 = A year
period-calendar = 🗓 Pick a period on the calendar
period-pick-start = Pick the first day of the period on the calendar.
period-pick-end = The period starts on { $start }. Pick its last day.
period-end-before-start = The end of the period is before its start. Pick another day.
period-future = That day has not come yet. Pick a day no later than today.
history-tabs = <b>Account history</b> from { $start } to { $end }
history-bills = 📄 Payment documents
history-readings = 📟 Readings
history-payments = 💳 Payments
history-bills-list =
    <b>Payment documents</b>

    { $none ->
        [yes] There are no documents for this period.
       *[no] Choose a month.
    }
history-bill-button = { MONTH_HEADING($month) } · { MONEY($total) }
history-supplier-button = { $name }
history-bill-not-found = This document is not among your account's documents.
history-bill =
    <b>{ $month }</b> · account No. { $number }
    General information:

    { $lines }

    Total to pay: { MONEY($total) }{ $paid ->
        [full] {"\u000a"}✅ The bill is paid.
        [part] {"\u000a"}Paid since the bill; left to pay: { MONEY($left) }
       *[no] { "" }
    }

    Choose a supplier for the details and the breakdown by service.
history-bill-line = { $supplier }: { MONEY($total) }
history-print = 🖨 Print the receipt
history-receipt-caption = Receipt for { $month }, account No. { $number }
history-bill-supplier =
    <b>{ $supplier }</b>
    Debt at the start: { MONEY($debt_start) }
    Paid: { MONEY($paid) }
    Charged: { MONEY($charged) }
    Social support: { MONEY($support) }
    Corrections: { MONEY($corrections) }
    Debt at the end: { MONEY($debt_end) }
    Penalties: { MONEY($penalties) }
    Total to pay: { MONEY($to_pay) }

    <b>Breakdown by service</b>{ $pages ->
        [1] {""}
       *[other] {" "}({ $page } of { $pages })
    }

    { $lines }
history-service =
    <b>{ $service }</b>
    Debt at the start: { MONEY($debt_start) }
    Paid: { MONEY($paid) }
    Unit: { UNIT($unit) }
    Quantity: { VALUE($quantity) }
    Tariff: { VALUE($tariff) }
    Price per unit: { MONEY($price) }
    Charged: { MONEY($charged) }
    Social support: { MONEY($support) }
    Corrections: { MONEY($corrections) }
    Debt at the end: { MONEY($debt_end) }
history-meters =
    <b>Readings</b>

    { $none ->
        [yes] The account has no meters.
       *[no] Choose a meter.
    }
history-meter =
    <b>{ $service } — meter No. { $number }</b>
    { $supplier } — account No. { $account }

    Date · counted in the bill for · reading{ $pages ->
        [1] {""}
       *[other] {" "}({ $page } of { $pages })
    }
    { $lines }
history-reading = { DATE($date) } · { MONTH($month) } · { VALUE($value) } { UNIT($unit) }{ $zone ->
        [day] {" "}(day)
        [night] {" "}(night)
       *[single] {""}
    }{ $photo ->
        [yes] {" "}📷
       *[no] {""}
    }
      { reading-source }{ $status ->
        [sent] {" "}· 📨 sent, waiting for billing
        [received] {" "}· 📥 received by billing
        [used] {" "}· ✅ used in the bill for { MONTH($used_in) }
        [replaced] {" "}· ♻️ replaced by billing: { $reason }
       *[none] {""}
    }
history-meter-button = { $service } — meter No. { $number }
history-chart = 📈 Consumption chart
history-chart-empty = There are no readings in this period to count consumption from.
history-chart-title = Consumption of meter No. { $number }
history-chart-zone = { $zone ->
        [day] Day
        [night] Night
       *[single] {""}
    }
history-chart-no-reading = no reading
history-chart-partial = { $title }
    { $month } is not over yet: its bar (hatched) is the consumption up to the reading of { DATE($day) }.
history-payments-list =
    <b>Payments</b>{ $pages ->
        [1] {""}
       *[other] {" "}({ $page } of { $pages })
    }

    { $lines }
history-payment-account = <b>{ $supplier }</b> account No. { $account }
history-payment =     { DATE($date) } — { MONEY($amount) }{ $billed ->
        [no] {" "}· <i>not in a bill yet</i>
       *[yes] {""}
    }
history-no-payments =     no payments
profile-mailing-line = • { $email }: { $companies }

## Appeals
accounts-appeals = ✉️ Appeals
faq-ask = ✍️ Ask a question
appeals-new = ✍️ New appeal
appeals-item =
    <b>{ DATE($date) }</b> · { $kind ->
        [question] question
       *[appeal] appeal
    } No. { $number }
    { $text }
    { $status ->
        [answered] 💬 Answer of { DATE($answered) }: { $answer }
        [closed] Closed on { DATE($answered) } without an answer{ close-reason }.
       *[open] ⏳ Waiting for an answer.
    }
appeals-read-whole = 📄 No. { $number } in full
appeals-whole-text = <b>{ $kind ->
        [question] Question
       *[appeal] Appeal
    } No. { $number }</b>, the whole text:

    { $text }
appeals-whole-answer = <b>Answer to No. { $number }</b>, in full:

    { $answer }
appeals-choose-account = { $none ->
        [yes] To ask a question, link a personal account first.
       *[no] Which personal account is the question about?
    }
appeals-choose-supplier = { $kind ->
        [question] Whom to ask? Choose the supplier.
       *[appeal] Which supplier is the appeal about?
    }
appeals-account-button = { $address }
appeals-supplier-button = { $name }
appeals-supplier-not-found = This supplier does not serve the chosen account.
appeals-ask-text = { $kind ->
        [question] Write your question in one message.
       *[appeal] Describe your appeal in one message.
    }
appeals-draft =
    {""}
    You can send this text or write your own:
    <blockquote>{ $draft }</blockquote>
appeals-use-draft = ✅ Use this text
appeals-text-invalid = The text must not be empty nor longer than { $limit } characters (it has { $length }). Please shorten it.
appeals-ask-attachments = { $count ->
        [0] You may attach photos or a document (up to 5). When ready, press "Send".
       *[other] Attachments: { $count }. { $left ->
            [0] No more can be added: press "Send".
           *[other] Add more or press "Send".
        }
    }
appeals-attachment-added = 📎 Attachment added ({ $count }).
appeals-attachments-full = No more than { $limit } attachments.
appeals-attachments-expected = Send a photo or a document, or press "Send". The text is kept; to change it, press "Back".
appeals-send = 📨 Send
appeals-registered = ✅ { $kind ->
        [question] Question
       *[appeal] Appeal
    } No. { $number } of { DATE($date) } is registered. The answer will come here, to this chat.
appeals-answer-received =
    💬 The answer to { $kind ->
        [question] question
       *[appeal] appeal
    } No. { $number } of { DATE($date) }
    <blockquote>{ $text }</blockquote>
    { $answer }
appeals-closed = { $kind ->
        [question] Question No. { $number } is closed without an answer{ close-reason }. If it remains, ask a new one.
       *[appeal] Appeal No. { $number } is closed without an answer{ close-reason }. If the question remains, write a new appeal.
    }
    <blockquote>{ $text }</blockquote>
close-reason = { $reason ->
        [duplicate] : it repeats another appeal of yours, answered there
        [resolved] : it was settled by phone or on the spot
        [not-ours] : another organisation, not the supplier, deals with it
        [unclear] : it gives nothing to act on
       *[none] {""}
    }

## Staff group
staff-post =
    <b>{ $kind ->
        [question] Question
       *[appeal] Appeal
    } No. { $number }</b> of { DATETIME($date) }
    Resident: { $name }, phone { PHONE($phone) }, { $email }
    Account No. { $account }, { $address }
    Supplier: { $supplier }
    Attachments: { $files }

    { $text }{ $status }
staff-post-forgotten =
    <b>{ $kind ->
        [question] Question
       *[appeal] Appeal
    } No. { $number }</b> of { DATETIME($date) }, account No. { $account }
    🗑 The resident deleted the profile on { DATETIME($at) }: name, contacts, text and answer are gone.
staff-post-refused = ⚠️ <b>Appeal No. { $number }</b>: Telegram refused the post ({ $reason }). The appeal's text is in the file below. To answer the resident, reply to this message.
staff-answered = {"\u000a"}{"\u000a"}✅ Answered { DATETIME($at) } by { $who }:{"\u000a"}{ $answer }
staff-closed = {"\u000a"}{"\u000a"}☑️ Closed without an answer { DATETIME($at) } by { $who }{ close-reason }
staff-answer-button = ✍️ Answer
staff-close-button = ☑️ Close without an answer
staff-close-reason = { $reason ->
        [duplicate] 🔁 Repeats another appeal
        [resolved] 📞 Settled by phone or on the spot
        [not-ours] 🏢 Not for the supplier
       *[unclear] ❔ Nothing to answer
    }
staff-close-keep = ◀️ Do not close
staff-answer-prompt = ✍️ Answer to appeal No. { $number }: reply to this message with the answer.
staff-answer-placeholder = The answer to the resident
staff-answer-sent = ✅ The answer to appeal No. { $number } is sent to the resident.
staff-answer-invalid = The answer must not be empty nor longer than { $limit } characters.
staff-settled-by = Appeal No. { $number } was already { $status ->
        [answered] answered
       *[closed] closed
    } by { $who }, { DATETIME($at) }.
staff-not-open = Appeal No. { $number } is already closed or answered.
staff-closed-done = Appeal No. { $number } is closed.
staff-open-none = There are no unanswered appeals.
staff-open =
    <b>Unanswered appeals: { $count }</b> (oldest first)

    { $lines }
staff-open-line = No. { $number } · { DATETIME($date) } · { $kind ->
        [question] question
       *[appeal] appeal
    }: { $text }

## Period
period-choose = For which period?
period-change = 🗓 Another period
appeals-list =
    <b>Appeals</b> from { $start } to { $end }{ $pages ->
        [1] {""}
       *[other] {" "}({ $page } of { $pages })
    }

    { $none ->
        [yes] There are no appeals in this period.
       *[no] { $lines }
    }
requisites-meters =
    <b>Meter list</b> from { $start } to { $end }

    { $none ->
        [yes] There are no meters.
       *[no] { $lines }
    }

## Reminders
fallback-password-deleted = 🔒 That looked like a password, so the message was deleted from the chat. The conversation that asked for it was interrupted — start again: /start.
service-unavailable = 😔 The service is temporarily unavailable. Please try again in a few minutes.
fallback-not-understood = I did not understand that. The main menu is /start, the commands are in /help.

## Payment (guide section 7)
accounts-pay = 💳 Pay
payment-form =
    <b>Payment</b> · account No. { $number }
    { $address }
    { $has_bill ->
        [yes] For the bill of { MONTH($period) }. Press a line to change its amount (0 to skip it).

        { $lines }

        To pay: <b>{ MONEY($total) }</b>
        Receipt to: { $contact }
        { $accepted ->
            [yes] ✅ You agree to the payment rules.
           *[no] To pay, agree to the payment rules.
        }{ $none ->
            [yes] {"\u000A\u000A"}Paying in the bot is not switched on yet: pay by the bill at a bank or on the website.
           *[no] {""}
        }
        [paid] ✅ The bill of { MONTH($period) } is paid: the payments since cover all of it. The bot writes when the next bill comes.
       *[no] There are no bills to pay yet.
    }
payment-line = • { $supplier }, account No. { $account }: <b>{ MONEY($amount) }</b>{ $changed ->
        [yes] {" "}(left to pay { MONEY($due) })
       *[no] {""}
    }
payment-line-button = ✏️ { $supplier } · { MONEY($amount) }
payment-change-contact = 📧 Where to send the receipt
payment-accept = ⬜ I agree to the rules
payment-accepted = ✅ I agree to the rules
payment-rules = 📄 Payment rules
payment-pay-telegram = 💳 Pay in Telegram
payment-pay-page = 🌐 Pay on the YooKassa page
payment-ask-amount =
    How much to pay to “{ $supplier }”, account No. { $account }? Left to pay: { MONEY($due) }.
    Type an amount, e.g. 1628.12; 0 skips this line.
payment-ask-contact = { $sms ->
        [yes] Type the e-mail or phone number to send the receipt to.
       *[no] Type the e-mail to send the receipt to.
    }
payment-rules-text =
    <b>Payment rules</b>

    MIR, VISA and MasterCard cards are accepted, as well as the other ways the YooKassa payment service offers. Card details are entered on the payment service's page or in Telegram and never reach Tomskenergosbyt.

    A payment reaches the account within 1–3 working days and is counted in the next bill. The fiscal receipt (54-FZ) is sent to the e-mail or phone given.

    A payment made by mistake is refunded on application at a customer office or through an appeal in this bot.
payment-invalid-amount = That does not look like an amount. Type roubles and kopecks, e.g. 1628.12 or 0.
payment-too-large = One payment may carry at most { MONEY($limit) }.
payment-invalid-contact = That does not look like an e-mail{ $sms ->
        [yes] {" "}or a phone number
       *[no] {""}
    }. Example: ivanova@mail.ru
payment-accept-rules = To pay, agree to the payment rules.
payment-nothing = Nothing to pay: every amount is zero.
payment-service-down = The payment service is not answering. Nothing was charged — try again in a few minutes.
payment-invoice-title = Payment, account { $number }
payment-invoice-description = Housing and utility services: { $address }
payment-invoiced = The invoice is above. Press “Pay” in it and enter your card; the bot will tell you the outcome.
payment-page = The payment is created. Open the YooKassa page and enter your card; the bot will tell you the outcome.
payment-go-to-page = 🌐 Go to the payment page
payment-done = ✅ Done
payment-refused-unknown = This invoice is no longer valid. Open the payment again.
payment-refused-paid = This invoice is paid already.
payment-refused-expired = The time to pay this invoice is over. Open the payment again.
payment-refused-canceled = This payment was canceled. Open the payment again.
payment-refused-changed = The invoice's amount has changed. Open the payment again.
payment-refused-replaced = This invoice no longer counts: you opened a newer payment later; complete that one.
payment-paid =
    ✅ <b>Payment received</b>: { MONEY($amount) } for account No. { $number }.
    { $lines }
    The receipt goes to { $contact }. The payment shows in the payment history at once, and in a bill once it is credited.
payment-paid-line = • { $supplier }, account No. { $account }: { MONEY($amount) }
payment-failed =
    ❌ <b>The payment of { MONEY($amount) } for account No. { $number } did not go through</b>: { $status ->
        [expired] the time to pay is over.
       *[canceled] { $reason ->
            [replaced] a newer payment was opened after it; complete that one.
            [paid] the bill was paid by another payment.
            [insufficient_funds] not enough funds on the card.
            [card_expired] the card has expired.
            [expired_on_confirmation] the time to confirm is over.
            [canceled_by_merchant] the payment was canceled.
            [permission_revoked] the permission to charge was revoked.
            [fraud_suspected] the bank suspected fraud and declined it.
           *[other] the bank declined it.
        }
    }
    { $reason ->
        [replaced] Nothing was charged: the bank releases the sum it held on the card.
        [paid] Nothing was charged: the bank releases the sum it held on the card.
       *[other] Nothing was charged.
    }
payment-try-again = 🔁 Try again
profile-ask-gender = Your gender. “Leave it out” removes it from the profile.
profile-ask-birth-date = Your date of birth as DD.MM.YYYY, e.g. 31.12.1980. “Leave it out” removes it from the profile.
profile-clear = 🚫 Leave it out
## Receipt (PDF)
receipt-title = Single payment document for { $month }
receipt-author = Tomskenergosbyt
receipt-account = Personal account: { $number }
receipt-link-code = Linking code: { $code } — to link this account in the chat bot
receipt-payer = Payer: { $owner }
receipt-address = Address: { $address }
receipt-premises = Area: total { $total } m², living { $living } m² · Registered: { $persons }
receipt-issued = Issued: { $date }
receipt-pay-by = Pay by: { $date }
receipt-supplier = <b>{ $name }</b><br/>INN { $inn }, BIC { $bic }<br/>account { $account }, corr. { $corr }<br/>{ $bank }<br/>Your account with the supplier: <b>{ $personal }</b>
receipt-total-debt = Debt at start
receipt-total-paid = Paid
receipt-total-charged = Charged
receipt-total-support = Social support
receipt-total-corrections = Corrections
receipt-total-end = Debt at end
receipt-total-penalties = Penalties
receipt-total-to-pay = Total to pay
receipt-column-service = Service
receipt-column-unit = Unit
receipt-column-quantity = Quantity
receipt-column-tariff = Tariff
receipt-column-debt = Debt at start
receipt-column-paid = Paid
receipt-column-charged = Charged
receipt-column-support = Benefits, subsidies
receipt-column-corrections = Recalculation
receipt-column-end = To pay
receipt-meters = Meter readings
receipt-meter-meter = Meter
receipt-meter-service = Service
receipt-meter-zone = Zone
receipt-meter-previous = Previous
receipt-meter-current = Current
receipt-meter-consumption = Consumption
receipt-meter-unit = Unit
receipt-zone = { $zone ->
        [day] day
        [night] night
       *[single] —
    }
receipt-grand-total = TOTAL TO PAY: { $total }

## Notifications
notify-reading-window =
    📟 A reminder: readings are taken until { DATE($deadline) }. For personal account No. { $number } ({ $address }) { $meters ->
        [one] { $meters } meter has
       *[other] { $meters } meters have
    } no readings this month yet.
notify-meter-expiring =
    ⚠️ { $today ->
        [yes] Today, { DATE($until) }, the verification of meter No. { $meter } runs out
       *[no] The verification of meter No. { $meter } runs out on { DATE($until) }
    } (personal account No. { $number }). After that its readings are not taken, and charges follow the standard rate.
    What to do: have the meter verified or replaced by an accredited company, then send a copy of the certificate to the supplier, by an appeal in the bot or at an office.
notify-new-bill =
    🧾 The bill for { $month } for personal account No. { $number } is here. { $owes ->
        [yes] To pay: { MONEY($amount) }, by { DATE($pay_by) }.
       *[no] Nothing is owed.
    }
notify-open-readings = 📟 Submit readings
notify-open-bill = 🧾 Open the bill
notify-open-pay = 💳 Pay
notify-appeals-digest =
    <b>Unanswered for { $days } days or longer: { $count }</b>
    { $lines }{ $more ->
        [0] {""}
       *[other] {"\u000A"}…and { $more } more. All of them: /open
    }
notify-digest-line = No. { $number } — waiting { $days } days
notify-payment-alert =
    ⚠️ <b>A payment to check</b>: { $reason ->
        [replaced] a form the resident replaced with a newer one was paid.
        [expired] it was paid after the form expired.
        [twice] the bill was paid through the bot a second time.
       *[unknown] Telegram took a payment that is none of the bot's.
    }
    { $payment ->
        [0] Payment { $provider } from Telegram user { $user }: { MONEY($amount) }.
       *[other] Payment No. { $payment }, account No. { $number }: { MONEY($amount) } ({ $provider }).
    }
    { $payment ->
        [0] The money was taken but recorded on no account: find the payment at YooKassa and credit or refund it.
       *[other] The money is recorded on the account and goes to billing; refund it if the resident asks.
    }
notifications-settings = 🔔 <b>Notifications</b>. Press a line to turn it on or off.
notifications-kind = { $on ->
        [yes] ✅
       *[no] 🔕
    } { $kind ->
        [reading-window] Readings reminder
        [meter-expiring] Meter verification running out
        [new-bill] New bill
        [payment-result] Payment result
        [reading-replaced] Readings replaced by billing
       *[appeal-answered] Answer to an appeal
    }
staff-broadcasts-none = No broadcasts yet.
staff-broadcasts =
    <b>Latest broadcasts</b>

    { $lines }
staff-broadcast-line = <b>{ $run }</b> · { DATETIME($at) }
    queued { $queued } · sent { $sent } · blocked the bot { $blocked } · turned off { $muted } · failed { $failed }

## Source and status of readings, estimated charge, devices
reading-source = { $source ->
        [resident] 💬 sent in the bot
        [device] 📡 sent by a device
        [web] 🌐 sent in the web cabinet
        [inspector] 👷 taken by an inspector
        [average] 📊 estimated from the average
        [norm] 📊 estimated from the norm
       *[billing] 🏢 billing's own
    }
readings-photo-attached = 📷 The photo is attached and will be kept with the readings. Now enter the readings.
readings-estimate =
    🧮 <b>Estimated charge</b> (an estimate: the bill has the exact amount)
    Consumption since { DATE($since) }: { $consumption }
    { $lines }
    Total ≈ { MONEY($total) }
readings-estimate-used = { $zone ->
        [day] day{" "}
        [night] night{" "}
       *[single] {""}
    }{ VALUE($used) } { UNIT($unit) }
readings-estimate-line = { $zone ->
        [day] Day
        [night] Night
       *[single] Consumption
    }{ $band ->
        [first] {" "}within the social norm
        [above] {" "}above { VALUE($above) } { UNIT($unit) } a month
       *[none] {""}
    }: { VALUE($quantity) } { UNIT($unit) } × { VALUE($price) } ₽ = { MONEY($amount) }
readings-devices = 📡 Smart meters and devices
devices =
    <b>Devices that send readings</b>
    A smart reader (Waterius, Home Assistant and the like) can send the readings itself, with a token issued here.

    { $none ->
        [yes] No devices yet.
       *[no] { $lines }
    }
devices-line = • { $name } · added { DATE($created) } · { $used ->
        [yes] last sent { DATETIME($last) }
       *[no] has not sent yet
    }
devices-revoke-button = 🔌 Revoke: { $name }
devices-add = ➕ Add a device
devices-ask-name = What should the device be called? For example: "Waterius, bathroom". Up to 64 characters.
devices-name-invalid = A name is 1 to { $limit } characters, without control characters. Enter another.
devices-too-many = The account has { $limit } devices already, the most it takes. Revoke one you no longer use to add a new one.
devices-token =
    🔑 The token of "{ $name }":
    <code>{ $token }</code>

    It is shown only once: copy it into the device's settings. Whoever knows it can send this account's readings, so do not forward it. Revoke a lost token and issue a new one.
    { $url ->
        [none] Support will tell you the address for the device.
       *[other] Address: <code>{ $url }</code>
    }
devices-revoke = Revoke "{ $name }"? Its token stops working at once.
devices-revoke-yes = Yes, revoke
devices-revoke-no = No
devices-revoked = The device is revoked.
devices-not-found = No such device among this account's.
notify-reading-replaced =
    ♻️ Billing replaced the readings of meter No. { $meter }{ $zone ->
        [day] {" "}(day)
        [night] {" "}(night)
       *[single] {""}
    } for { MONTH($month) } (account No. { $number }): yours were { VALUE($value) } { UNIT($unit) }{ $has_used ->
        [yes] , used instead: { VALUE($used) } { UNIT($unit) }, { reading-source }
       *[no] ; billing sent no readings of its own: the bill for { MONTH($month) } will show what was counted
    }.
    Reason: { $reason }
    If you disagree, write an appeal to the supplier.
staff-photo-usage = Give the readings' number from the export: /photo 123
staff-photo-none = Readings No. { $number } have no photo.
staff-photo = Readings No. { $number }: meter No. { $meter }, account No. { $account }, { VALUE($value) } { UNIT($unit) } on { DATETIME($at) }
