## Common
back = ◀️ Back
error-apology = 😔 Something went wrong. We are looking into it; please try again a little later or start over: /start
menu-outdated = This menu is out of date. Here is the current one.

## Commands (Telegram menu)
command-start = Main menu
command-help = What the bot can do
command-faq = Questions and answers
command-language = Language / Язык
command-cancel = Cancel the current action

## /start
start-welcome =
    Hello! This is the customer account of <b>Tomskenergosbyt</b> in Telegram.

    Here you can submit meter readings, pay bills, look through your charges and write appeals. To begin, register or log in.
start-register = 📝 Register
start-login = 🔑 Log in
start-coming-soon = This section is coming soon. Meanwhile, see Questions and answers.
menu-greeting =
    { $name }, welcome to your customer account!

    { $accounts ->
        [0] No personal accounts are linked yet.
        [one] { $accounts } personal account is linked.
       *[other] { $accounts } personal accounts are linked.
    }
menu-faq = ❓ Questions and answers
menu-language = 🌐 Language

## /help
help-text =
    <b>Commands</b>
    /start — main menu
    /faq — questions and answers
    /language — change the language
    /cancel — cancel the current action
    /help — this help

    Contact centre: { $phone }

## /cancel
cancel-done = Cancelled. Main menu: /start
cancel-nothing = There is nothing to cancel. Main menu: /start

## Language
language-choose = Choose a language:
language-ru = 🇷🇺 Русский
language-en = 🇬🇧 English

## Questions and answers
faq-title =
    <b>Questions and answers</b>

    Choose a question to see its answer.
faq-empty = There are no questions yet.
faq-contact = Contact centre: { $phone }
faq-answer =
    <b>{ $question }</b>

    { $answer }

    Did not find an answer? Contact centre: { $phone }
faq-gone = This question is no longer on the list.
