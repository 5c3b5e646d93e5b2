## Общие
back = ◀️ Назад
cancel = ✖️ Отмена
skip = Пропустить ⏭
error-apology = 😔 Что-то пошло не так. Мы уже разбираемся; попробуйте ещё раз чуть позже или начните заново: /start
menu-keyboard-outdated = Эти кнопки больше не действуют.
menu-outdated = Это меню устарело. Открываю актуальное.

## Команды (меню Telegram)
command-start = Главное меню
command-help = Что умеет бот
command-faq = Вопросы и ответы
command-language = Язык / Language
command-cancel = Отменить текущее действие
command-profile = Профиль
command-notifications = Уведомления
command-logout = Выйти из личного кабинета
command-mydata = Ваши данные, которые хранит бот
command-open = Обращения без ответа
command-broadcasts = Последние рассылки
command-photo = Фото показаний по номеру из выгрузки

## What a stranger reads in Telegram before pressing Start
bot-short-description = Личный кабинет ПАО «Томскэнергосбыт»: показания, счета, оплата, обращения.
bot-description =
    Личный кабинет ПАО «Томскэнергосбыт» в Telegram.

    • передача показаний счётчиков
    • счета, квитанции и история начислений
    • оплата картой или через ЮKassa
    • реквизиты лицевого счёта
    • обращения к поставщикам услуг

    Отправьте /start, чтобы войти или зарегистрироваться.

## /start
start-welcome =
    Здравствуйте! Это личный кабинет клиента <b>ПАО "Томскэнергосбыт"</b> в Telegram.

    Здесь можно передавать показания,{ $pay ->
        [yes] {" "}оплачивать счета,
       *[no] {""}
    } смотреть историю начислений и писать обращения. Чтобы начать, зарегистрируйтесь или войдите.
start-register = 📝 Регистрация
start-login = 🔑 Вход
menu-greeting =
    { $name }, добро пожаловать в личный кабинет!

    { $accounts ->
        [0] Лицевые счета пока не подключены.
        [one] Подключён { $accounts } лицевой счёт.
        [few] Подключено { $accounts } лицевых счёта.
       *[many] Подключено { $accounts } лицевых счетов.
    }{ $owes ->
        [yes] {"\u000A"}К оплате: <b>{ MONEY($due) }</b>
       *[no] {""}
    }
menu-unconfirmed = ⚠️ E-mail { $email } не подтверждён: подключить лицевой счёт можно после подтверждения.
menu-confirm-email = ✉️ Подтвердить e-mail
menu-profile = 👤 Профиль
menu-logout = 🚪 Выйти
menu-faq = ❓ Вопросы и ответы
menu-language = 🌐 Язык

## /help
help-text =
    <b>Команды</b>
    /start — главное меню
    /accounts — ваши лицевые счета
    /profile — профиль
    /notifications — какие уведомления получать
    /faq — вопросы и ответы
    /language — сменить язык
    /cancel — отменить текущее действие
    /help — эта справка
    /logout — выйти из личного кабинета
    /mydata — ваши данные, которые хранит бот

    Контактный центр: { $phone }

mydata-caption = 📦 Всё, что бот хранит о вашем профиле: профиль, подключённые счета, обращения, платежи, устройства, рассылки и уведомления. Показания и счета — данные самого лицевого счёта: они в 📜 Истории. Что хранится, сколько и зачем — в <a href="{ $policy }">политике обработки данных</a>; удалить профиль можно в /profile.

## /cancel
cancel-done = Действие отменено.
cancel-nothing = Отменять нечего.

## Язык
language-choose = Выберите язык:
language-ru = 🇷🇺 Русский
language-en = 🇬🇧 English

## Вопросы и ответы
faq-item = <b>{ $number }.</b> { $question }
faq-title =
    <b>Вопросы и ответы</b>{ $pages ->
        [1] {""}
       *[other] {" "}({ $page } из { $pages })
    }
faq-list =
    {""}
    { $lines }

    Нажмите номер вопроса, чтобы увидеть ответ.
faq-empty = Список вопросов пока пуст.
faq-contact = Контактный центр: { $phone }
faq-answer =
    <b>{ $question }</b>

    { $answer }

    Не нашли ответ? Контактный центр: { $phone }
faq-gone = Этого вопроса больше нет в списке.

## Ввод
input-text-expected = Пожалуйста, ответьте текстом.
input-button-expected = Пожалуйста, выберите вариант кнопкой ниже.
input-unknown-command-here = Такой команды нет. Выберите вариант кнопкой ниже; /help — список команд.
input-unknown-button = Эта кнопка больше не действует. Выберите из тех, что на экране.
input-unknown-command = Такой команды нет. Ответьте на вопрос ниже или отправьте /cancel, чтобы выйти, /help — список команд.
input-unstorable = В сообщении есть невидимый служебный символ (нулевой байт), и бот не может его сохранить. Уберите его и отправьте сообщение ещё раз.

## Регистрация, вход, профиль: вопросы
identity-ask-phone = Укажите номер мобильного телефона: нажмите «Поделиться номером» или введите его, например +7 913 825-00-75.
identity-share-contact = 📱 Поделиться номером
identity-phone-hint = +7 913 825-00-75
identity-ask-email = Введите e-mail — он будет логином в личном кабинете.
identity-ask-password =
    Придумайте пароль: не менее 8 знаков, с цифрами, большими и маленькими латинскими буквами.

    Сообщение с паролем бот сразу удалит из чата.
identity-ask-new-password =
    Придумайте новый пароль: не менее 8 знаков, с цифрами, большими и маленькими латинскими буквами.

    Сообщение с паролем бот сразу удалит из чата.
identity-ask-password-repeat = Повторите пароль.
identity-ask-surname = Введите фамилию.
identity-ask-name = Введите имя.
identity-ask-patronymic = Введите отчество (или пропустите).
identity-ask-birth-date = Введите дату рождения в формате ДД.ММ.ГГГГ, например 31.12.1980 (или пропустите).
identity-ask-gender = Укажите пол (или пропустите).
identity-gender-male = Мужской
identity-gender-female = Женский
identity-ask-code = Введите шестизначный код из письма, отправленного на { $email }, или откройте ссылку из него.
identity-send-again = 🔁 Отправить ещё раз
identity-later = Позже

## Регистрация, вход, профиль: ответы
identity-invalid-email = Это не похоже на адрес e-mail. Пример: ivanova@mail.ru
identity-invalid-phone = Не удалось распознать номер. Введите мобильный номер из 10 цифр после +7, например +7 913 825-00-75.
identity-invalid-password-short = Пароль слишком короткий: нужно не менее 8 знаков.
identity-invalid-password-long = Пароль слишком длинный: не больше 128 знаков.
identity-invalid-password-same = Это ваш нынешний пароль: придумайте другой.
identity-invalid-password-weak = В пароле должны быть цифры, большие и маленькие латинские буквы.
identity-invalid-name = Введите имя буквами (можно дефис и пробел), не длиннее 100 знаков.
identity-invalid-surname = Введите фамилию буквами (можно дефис и пробел), не длиннее 100 знаков.
identity-invalid-patronymic = Введите отчество буквами (можно дефис и пробел), не длиннее 100 знаков.
identity-invalid-same-email = Это ваш текущий e-mail. Введите новый адрес или нажмите «Назад».
identity-invalid-full-name = Введите фамилию, имя и, если есть, отчество через пробел.
identity-invalid-code-format = Код из письма — шесть цифр, например 123456. Эта попытка не засчитана.
identity-invalid-date-format = Введите дату в формате ДД.ММ.ГГГГ, например 31.12.1980.
identity-invalid-date-impossible = Такой даты не бывает. Проверьте день и месяц.
identity-invalid-date-future = Эта дата ещё не наступила. Проверьте год.
identity-invalid-date-too-late = Регистрироваться могут те, кому исполнилось 14 лет. Проверьте год.
identity-invalid-date-too-early = Проверьте год рождения: он слишком давний.
identity-passwords-differ = Пароли не совпадают. Введите пароль ещё раз.
identity-email-taken = Этот e-mail нельзя использовать для регистрации. Если это ваш адрес, войдите или восстановите пароль.
identity-contact-not-yours = Это чужой контакт. Нажмите «Поделиться номером», чтобы отправить свой, или введите номер.
identity-code-sent = ✉️ Письмо с кодом отправлено.
identity-mail-failed = Не удалось отправить письмо: почтовый сервер недоступен. Ваши данные сохранены — нажмите «Отправить ещё раз» чуть позже.
identity-resend-too-soon = Новое письмо можно отправить через { $seconds } с.
identity-code-wrong =
    Код неверный. { $left ->
        [one] Осталась { $left } попытка.
        [few] Осталось { $left } попытки.
       *[many] Осталось { $left } попыток.
    }
identity-code-voided = Код введён неверно 5 раз и больше не действует. Нажмите «Отправить ещё раз», чтобы получить новый.
identity-code-expired = Срок действия кода истёк. Нажмите «Отправить ещё раз», чтобы получить новый.
identity-code-not-found = Действующего кода нет. Нажмите «Отправить ещё раз», чтобы получить новый.
identity-email-confirmed = ✅ E-mail { $email } подтверждён.
identity-link-invalid = Ссылка из письма больше не действует. Запросите новое письмо.
identity-log-in-first = Сначала войдите в личный кабинет или зарегистрируйтесь.
identity-wrong-password = Текущий пароль введён неверно.

## Регистрация
registration-consent =
    Почти готово. Проверьте, что всё верно:

    ФИО: { $full_name }
    E-mail (логин): { $email }
    Мобильный телефон: { PHONE($phone) }
    Дата рождения: { $birth_date }
    Пол: { $gender ->
        [male] мужской
        [female] женский
       *[none] не указан
    }

    Нажимая «Принимаю», вы принимаете пользовательское соглашение и даёте согласие на обработку персональных данных. Исправить можно кнопкой «Назад».
registration-agreement = 📄 Пользовательское соглашение
registration-accept = ✅ Принимаю

## Вход и восстановление пароля
login-ask-email = Введите e-mail, указанный при регистрации.
login-ask-password = Введите пароль. Сообщение с паролем бот сразу удалит из чата.
login-forgot = Забыли пароль?
login-wrong = Неверный e-mail или пароль.
login-locked = Слишком много неудачных попыток входа. Попробуйте снова после { TIME($until) }.
session-ended = 🔒 Вы вышли из личного кабинета: пароль или e-mail профиля изменили, или профиль удалили. Чтобы продолжить, войдите снова — /start.
logout-confirm = Выйти из личного кабинета в этом чате? Чтобы войти снова, понадобятся e-mail и пароль.
logout-yes = 🚪 Да, выйти
logout-done = Вы вышли из личного кабинета. Чтобы войти снова: /start
recovery-sent = Если { $email } зарегистрирован, на него отправлено письмо с кодом.
recovery-ask-code = Введите код из письма или откройте ссылку из него.
recovery-done = ✅ Пароль изменён.

## Профиль
profile-view =
    <b>Профиль</b>

    ФИО: { $full_name }
    Пол: { $gender ->
        [male] мужской
        [female] женский
       *[none] не указан
    }
    Дата рождения: { $birth_date }
    Мобильный телефон: { PHONE($phone) }
    E-mail (логин): { $email } { $confirmed ->
        [yes] ✅
       *[no] ⚠️ не подтверждён
    }
    Адреса для рассылок: { $mailings ->
        [0] нет
        [one] { $mailings } адрес
        [few] { $mailings } адреса
       *[many] { $mailings } адресов
    }
profile-email-waiting ={""}
    Новый e-mail { $waiting } ждёт подтверждения: введите код из письма.
profile-enter-code = ✉️ Ввести код из письма
profile-code-expired = Код для нового e-mail уже не действует: укажите адрес ещё раз — пришлём новый.
profile-edit-name = ✏️ ФИО
profile-edit-gender = ✏️ Пол
profile-edit-birth-date = ✏️ Дата рождения
profile-edit-phone = ✏️ Телефон
profile-edit-email = ✏️ E-mail
profile-edit-password = 🔑 Пароль
profile-mailings = 📬 Рассылки
profile-notifications = 🔔 Уведомления
profile-delete = 🗑 Удалить профиль
profile-saved = ✅ Сохранено.
profile-ask-full-name = Введите фамилию, имя и отчество через пробел, например: Иванова Мария Петровна
profile-ask-email = Введите новый e-mail. Он станет логином после подтверждения кодом из письма.
profile-ask-current-password = Введите текущий пароль. Сообщение с паролем бот сразу удалит из чата.
profile-password-changed = ✅ Пароль изменён.
profile-mailings-list =
    <b>Рекламно-информационные рассылки</b>

    { $none ->
        [yes] Адресов для рассылок пока нет.
       *[other] { $lines }
    }

    Выберите адрес, чтобы изменить его рассылки, или добавьте новый.
profile-mailing-add = ➕ Добавить адрес
profile-ask-mailing-email = Введите e-mail для рассылок.
profile-mailing-companies =
    Какие рассылки отправлять на { $email }? Отметьте компании и нажмите «Сохранить». Если снять обе отметки, адрес будет удалён.
profile-mailing-save = 💾 Сохранить
profile-mailing-saved = ✅ Рассылки сохранены.
profile-mailing-removed = Адрес удалён из рассылок.
profile-mailing-gone = Этого адреса уже нет в рассылках.
profile-company-tomskrts = АО "ТомскРТС"
profile-company-tomskenergosbyt = ПАО "Томскэнергосбыт"
profile-delete-confirm =
    Удалить профиль? Будут удалены ваши персональные данные и привязки лицевых счетов. Данные самих лицевых счетов (начисления, оплаты, показания) сохранятся у поставщика.
profile-delete-yes = Да, удалить профиль
profile-delete-no = Нет, оставить
profile-deleted = Профиль удалён. Спасибо, что были с нами. Зарегистрироваться снова: /start

## Письма
mail-confirm_email-subject = Подтверждение e-mail для личного кабинета
mail-confirm_email-body =
    Здравствуйте!

    Код подтверждения e-mail: { $code }

    Или откройте ссылку: { $link }

    Код действует { $minutes } минут. Если вы не регистрировались в личном кабинете ПАО "Томскэнергосбыт", просто удалите это письмо.
mail-change_email-subject = Подтверждение нового e-mail для личного кабинета
mail-change_email-body =
    Здравствуйте!

    Код подтверждения нового e-mail: { $code }

    Или откройте ссылку: { $link }

    Код действует { $minutes } минут. Если вы не меняли e-mail в личном кабинете, просто удалите это письмо.
mail-recover_password-subject = Восстановление пароля личного кабинета
mail-recover_password-body =
    Здравствуйте!

    Код для смены пароля: { $code }

    Или откройте ссылку: { $link }

    Код действует { $minutes } минут. Если вы не запрашивали смену пароля, просто удалите это письмо: пароль останется прежним.

## Лицевые счета
menu-accounts = 💼 Ваши счета
menu-add-account = ➕ Подключить лицевой счёт
menu-pay = 💳 Оплатить
menu-readings = 📟 Передать показания
command-accounts = Ваши лицевые счета
accounts-kind-epd = ЕПД
accounts-kind-electricity = Электроэнергия
accounts-button = { $last ->
        [yes] ⭐{" "}
       *[no] {""}
    }{ $kind ->
        [epd] { accounts-kind-epd }
       *[electricity] { accounts-kind-electricity }
    } · { $address }
accounts-list =
    <b>Ваши счета</b>

    { $none ->
        [yes] Лицевые счета пока не подключены. Нажмите «Подключить лицевой счёт».
       *[no] { $purpose ->
            [pay] Выберите лицевой счёт, который оплатить.
            [readings] Выберите лицевой счёт, по которому передать показания.
           *[card] Выберите лицевой счёт.
        }
    }{ $starred ->
        [yes] {""}
            ⭐ — счёт, который вы открывали последним.
       *[no] {""}
    }
accounts-add = ➕ Подключить лицевой счёт
accounts-card =
    <b>Лицевой счёт № { $number }</b> · { $kind ->
        [epd] ЕПД
       *[electricity] Электроэнергия
    }
    { $address }
    Собственник: { $owner }
    { $has_bill ->
        [yes] Последний счёт: { MONTH($period) }, к оплате { MONEY($total) }{ $due ->
            [same] {""}
           *[other] {"\u000A"}С учётом оплат после счёта: <b>{ MONEY($due) }</b>
        }
       *[no] Счетов пока нет.
    }
accounts-readings = 📟 Передать показания
accounts-requisites = 📋 Реквизиты ЛС
accounts-unlink = 🔗 Отключить лицевой счёт
accounts-unlink-confirm = Отключить лицевой счёт № { $number } ({ $address }) от личного кабинета? Данные счёта сохранятся, его можно будет подключить снова. Устройства, передающие показания по этому счёту, будут отключены.
accounts-unlink-yes = Да, отключить
accounts-unlink-no = Нет
accounts-unlinked = Лицевой счёт отключён.
accounts-not-found = Этот лицевой счёт не подключён к вашему кабинету.
accounts-confirm-email-first = Чтобы подключить лицевой счёт, сначала подтвердите e-mail: в главном меню нажмите «Подтвердить e-mail».
accounts-ask-number = Введите номер лицевого счёта. Он указан в квитанции: на объединённой квитанции — в поле «Лицевой счёт».
accounts-invalid-link-code = Код для добавления договора — от 4 до 32 знаков без пробелов, как в квитанции. Эта попытка не засчитана.
accounts-invalid-total = Введите сумму цифрами, копейки — через точку или запятую, например 1628.12 или 1 628,12. Эта попытка не засчитана.
accounts-number-not-found = Лицевой счёт не найден. Проверьте, что номер введён верно, и попробуйте ещё раз.
accounts-already-linked = Этот лицевой счёт уже подключён к вашему кабинету.
accounts-link-locked = Слишком много неверных ответов на контрольный вопрос. Подключить этот счёт можно будет после { DATETIME($until) }. Если счёт ваш и ответ не подходит, позвоните в контакт-центр: { $phone }.
accounts-ask-relation = Лицевой счёт № { $number } найден. Кем вы приходитесь по отношению к нему?
accounts-relation-owner = Собственник
accounts-relation-co_owner = Совладелец
accounts-relation-tenant = Наниматель / арендатор
accounts-relation-family = Член семьи собственника
accounts-relation-representative = Представитель по доверенности
accounts-ask-question = Выберите контрольный вопрос. Ответ ищите в последней квитанции.
accounts-question-code = Код для добавления договора из квитанции
accounts-question-total = Сумма «ИТОГО / ВСЕГО К ОПЛАТЕ»
accounts-ask-answer = { $question ->
        [code] Введите код для добавления договора: он напечатан в квитанции, в её закрытой части («Код для добавления договора в ЛКК»).
       *[total] Введите сумму «ИТОГО К ОПЛАТЕ» / «ВСЕГО К ОПЛАТЕ» из последней квитанции с точностью до копеек, например 1628,12.
    }
accounts-wrong-answer =
    Ответ неверный. { $left ->
        [one] Осталась { $left } попытка
        [few] Осталось { $left } попытки
       *[many] Осталось { $left } попыток
    }; после них подключить счёт можно будет только через сутки.
accounts-linked = ✅ Лицевой счёт № { $number } подключён: { $address }

## Показания
meter-service-electricity = Электроэнергия
meter-service-hot_water = Горячая вода
meter-service-cold_water = Холодная вода
meter-service-heating = Отопление
meter-service-gas = Газ
readings-meters =
    <b>Передача показаний</b>{ $pages ->
        [1] {""}
       *[other] {" "}({ $page } из { $pages })
    }
    { $address }

    { $lines }

    { $none ->
        [yes] На счёте нет приборов учёта.
       *[no] Выберите счётчик, чтобы передать показания.
    }
readings-meter = Счётчик № { $number } — { $service } / { $expired ->
        [yes] срок поверки истёк { DATE($until) } ⛔
       *[no] поверка до { DATE($until) }
    }
readings-last =   Последние показания{ $zone ->
        [day] {" "}(день)
        [night] {" "}(ночь)
       *[single] {""}
    } { DATE($date) }: { VALUE($value) } { UNIT($unit) }
readings-meter-button = № { $number } · { $service }
readings-meter-not-found = Этот счётчик не относится к вашим лицевым счетам.
readings-meter-expired = Срок поверки счётчика № { $number } истёк { DATE($until) }: показания по нему не принимаются. Поверьте или замените счётчик и сообщите об этом поставщику — после этого передавайте показания как обычно.
readings-ask-value =
    Счётчик № { $number }{ $zone ->
        [day] , дневная зона
        [night] , ночная зона
       *[single] {""}
    }. Введите текущие показания, { UNIT($unit) } (до { $before } цифр до запятой и { $after } после).{ $has_last ->
        [yes] {" "}Последние: { VALUE($last) } от { DATE($date) }.
       *[no] {""}
    }
    { $photo ->
        [yes] 📷 Фото счётчика приложено.
       *[no] Можно приложить фото счётчика: отправьте его, показания — в подписи или следующим сообщением.
    }
readings-already-billed = Показания за этот месяц уже учтены в счёте за { MONTH($month) } — изменить их нельзя. Следующие можно будет передать в следующем месяце; если в счёте ошибка, напишите поставщику (✉️ Обращения).
readings-lower-than-last = Показания не могут быть меньше последних ({ VALUE($last) }). Проверьте цифры и введите снова.
readings-not-a-number = Введите показания числом, например 74,5 или 74.5.
readings-too-many-digits = Столько цифр счётчик не показывает: до { $before } цифр до запятой и до { $after } после.
readings-confirm = { $reason ->
        [below] Показания { VALUE($value) } меньше последних ({ VALUE($last) } { UNIT($unit) }): похоже, счётчик перешёл через ноль. Передать их?
       *[high] Расход получается намного больше обычного (в среднем { VALUE($average) } { UNIT($unit) } в месяц). Проверьте показания: передать { VALUE($value) } { UNIT($unit) }?
    }
readings-confirm-yes = Да, передать
readings-confirm-no = Нет, исправить
readings-saved = ✅ Показания по счётчику № { $number } успешно переданы и будут учтены в счёте за { MONTH($month) }.
readings-saved-outside = ✅ Показания по счётчику № { $number } переданы вне периода приёма показаний и будут учтены в счёте за { MONTH($month) }.
readings-review =
    Счётчик № { $number }: проверьте показания перед отправкой.
    { $lines }
readings-review-line = { $zone ->
        [day] День
        [night] Ночь
       *[single] Показания
    }: { VALUE($value) } { UNIT($unit) }
readings-send = 📨 Отправить
readings-retype = ✏️ Ввести заново
readings-write-appeal = ✉️ Написать поставщику о поверке
readings-appeal-draft = Срок поверки счётчика № { $number } ({ $service }) истёк { DATE($until) }. Прошу сообщить, как поверить или заменить счётчик, чтобы снова передавать показания.
readings-replaced =
    ♻️ За { MONTH($month) } по счётчику № { $number } уже были показания — учитываются новые:
    { $lines }
readings-replaced-line = { $zone ->
        [day] день:{" "}
        [night] ночь:{" "}
       *[single] {""}
    }было { VALUE($before) }, стало { VALUE($after) } { UNIT($unit) }

## Реквизиты ЛС
requisites-contract-button = { $supplier } — { $service } № { $number }
requisites-info =
    <b>Реквизиты ЛС</b>

    ФИО собственника: { $owner }
    Адрес регистрации: { $address }
    Общая/жилая площадь: { VALUE($total_area) }/{ VALUE($living_area) } м²
    Кол-во зарегистрированных: { $persons }

    <b>Договоры</b> — выберите, чтобы увидеть тариф:
requisites-not-found = Этот договор не относится к вашим лицевым счетам.
requisites-contract =
    <b>{ $supplier } — { $service }</b>
    № ЛС { $supplier_account }

    Наименование тарифа: { $tariff_name }
    Величина тарифа: { VALUE($tariff_value) } { PRICE_UNIT($tariff_unit) }
requisites-tariff-history = История тарифов
requisites-meter-list = Список счётчиков
requisites-tariffs =
    <b>История тарифов</b>{ $pages ->
        [1] {""}
       *[other] {" "}({ $page } / { $pages })
    }
    Дата начала · величина · период действия

    { $none ->
        [yes] Истории тарифов нет.
       *[no] { $lines }
    }
requisites-tariff-line = { DATE($starts) } · { VALUE($value) } · { $period }
requisites-meter-line = { $supplier } · { $service } · № { $number } · последние показания { $read } · до { $before } цифр до запятой и { $after } после · поверка до { DATE($until) }
## История ЛС
accounts-history = 📜 История
page-prev = ⏪ Предыдущие
page-next = Следующие ⏩
page-of = · { $page } из { $pages } ·
calendar-months = 📅 Месяцы
period-last-3 = За последние три месяца
period-last-6 = За последние шесть месяцев
period-last-12 = За год
period-calendar = 🗓 Выбрать период в календаре
period-pick-start = Выберите в календаре первый день периода.
period-pick-end = Начало периода: { $start }. Выберите последний день периода.
period-end-before-start = Конец периода раньше его начала. Выберите другой день.
period-future = Этот день ещё не наступил. Выберите день не позже сегодняшнего.
history-tabs = <b>История ЛС</b> с { $start } по { $end }
history-bills = 📄 Платёжные документы
history-readings = 📟 Показания
history-payments = 💳 Оплаты
history-bills-list =
    <b>Платёжные документы</b>

    { $none ->
        [yes] За этот период документов нет.
       *[no] Выберите месяц.
    }
history-bill-button = { MONTH_HEADING($month) } · { MONEY($total) }
history-supplier-button = { $name }
history-bill-not-found = Этого документа нет среди документов вашего счёта.
history-bill =
    <b>{ $month }</b> · ЛС № { $number }
    Общая информация:

    { $lines }

    Итого к оплате: { MONEY($total) }{ $paid ->
        [full] {"\u000a"}✅ Счёт оплачен.
        [part] {"\u000a"}Оплачено после счёта, осталось оплатить: { MONEY($left) }
       *[no] { "" }
    }

    Выберите поставщика, чтобы увидеть подробности и детализацию по услугам.
history-bill-line = { $supplier }: { MONEY($total) }
history-print = 🖨 Печать квитанции
history-receipt-caption = Квитанция за { $month }, ЛС № { $number }
history-bill-supplier =
    <b>{ $supplier }</b>
    Долг на начало периода: { MONEY($debt_start) }
    Оплачено: { MONEY($paid) }
    Начислено: { MONEY($charged) }
    Меры социальной поддержки: { MONEY($support) }
    Списано − / доначислено +: { MONEY($corrections) }
    Долг на конец периода: { MONEY($debt_end) }
    Пени: { MONEY($penalties) }
    Итого к оплате: { MONEY($to_pay) }

    <b>Детализация по услугам</b>{ $pages ->
        [1] {""}
       *[other] {" "}({ $page } из { $pages })
    }

    { $lines }
history-service =
    <b>{ $service }</b>
    Долг на начало периода: { MONEY($debt_start) }
    Оплачено: { MONEY($paid) }
    Единица измерения: { UNIT($unit) }
    Количество: { VALUE($quantity) }
    Тариф: { VALUE($tariff) }
    Цена за единицу потребления: { MONEY($price) }
    Начислено: { MONEY($charged) }
    Меры социальной поддержки: { MONEY($support) }
    Списано − / доначислено +: { MONEY($corrections) }
    Долг на конец периода: { MONEY($debt_end) }
history-meters =
    <b>Показания</b>

    { $none ->
        [yes] На счёте нет приборов учёта.
       *[no] Выберите прибор учёта.
    }
history-meter =
    <b>{ $service } — № ПУ { $number }</b>
    { $supplier } — № ЛС { $account }

    Дата · учтены в счёте за · показание{ $pages ->
        [1] {""}
       *[other] {" "}({ $page } из { $pages })
    }
    { $lines }
history-reading = { DATE($date) } · { MONTH($month) } · { VALUE($value) } { UNIT($unit) }{ $zone ->
        [day] {" "}(день)
        [night] {" "}(ночь)
       *[single] {""}
    }{ $photo ->
        [yes] {" "}📷
       *[no] {""}
    }
      { reading-source }{ $status ->
        [sent] {" "}· 📨 отправлены, ждут расчётного центра
        [received] {" "}· 📥 получены расчётным центром
        [used] {" "}· ✅ учтены в счёте за { MONTH($used_in) }
        [replaced] {" "}· ♻️ заменены расчётным центром: { $reason }
       *[none] {""}
    }
history-meter-button = { $service } — № ПУ { $number }
history-chart = 📈 График потребления
history-chart-empty = За этот период нет показаний, по которым можно посчитать потребление.
history-chart-title = Потребление по счётчику № { $number }
history-chart-zone = { $zone ->
        [day] День
        [night] Ночь
       *[single] {""}
    }
history-chart-no-reading = нет показаний
history-chart-partial = { $title }
    { $month } ещё не закончился: его столбец (заштрихован) — потребление по показаниям на { DATE($day) }.
history-payments-list =
    <b>Оплаты</b>{ $pages ->
        [1] {""}
       *[other] {" "}({ $page } из { $pages })
    }

    { $lines }
history-payment-account = <b>{ $supplier }</b> № ЛС { $account }
history-payment =     { DATE($date) } — { MONEY($amount) }{ $billed ->
        [no] {" "}· <i>ещё не в счёте</i>
       *[yes] {""}
    }
history-no-payments =     оплат нет
profile-mailing-line = • { $email }: { $companies }

## Обращения
accounts-appeals = ✉️ Обращения
faq-ask = ✍️ Задать вопрос
appeals-new = ✍️ Новое обращение
appeals-item =
    <b>{ DATE($date) }</b> · { $kind ->
        [question] вопрос
       *[appeal] обращение
    } № { $number }
    { $text }
    { $status ->
        [answered] 💬 Ответ от { DATE($answered) }: { $answer }
        [closed] Закрыто { DATE($answered) } без ответа{ close-reason }.
       *[open] ⏳ Ждёт ответа.
    }
appeals-read-whole = 📄 № { $number } полностью
appeals-whole-text = <b>{ $kind ->
        [question] Вопрос
       *[appeal] Обращение
    } № { $number }</b>, полный текст:

    { $text }
appeals-whole-answer = <b>Ответ на № { $number }</b>, полностью:

    { $answer }
appeals-choose-account = { $none ->
        [yes] Чтобы задать вопрос, сначала подключите лицевой счёт.
       *[no] По какому лицевому счёту вопрос?
    }
appeals-choose-supplier = { $kind ->
        [question] Кому задать вопрос? Выберите поставщика.
       *[appeal] По какому поставщику обращение?
    }
appeals-account-button = { $address }
appeals-supplier-button = { $name }
appeals-supplier-not-found = Этот поставщик не обслуживает выбранный лицевой счёт.
appeals-ask-text = { $kind ->
        [question] Напишите ваш вопрос одним сообщением.
       *[appeal] Опишите ваше обращение одним сообщением.
    }
appeals-draft =
    {""}
    Можно отправить этот текст или написать свой:
    <blockquote>{ $draft }</blockquote>
appeals-use-draft = ✅ Взять этот текст
appeals-text-invalid = Текст должен быть непустым и не длиннее { NUMBER($limit, useGrouping: 0) } знаков, а в нём { NUMBER($length, useGrouping: 0) }. Сократите его, пожалуйста.
appeals-ask-attachments = { $count ->
        [0] Можно приложить фото или документ (до 5). Когда всё готово, нажмите «Отправить».
       *[other] Вложений: { $count }. { $left ->
            [0] Больше добавить нельзя: нажмите «Отправить».
           *[other] Можно добавить ещё или нажать «Отправить».
        }
    }
appeals-attachment-added = 📎 Вложение добавлено ({ $count }).
appeals-attachments-full = Больше { $limit } вложений приложить нельзя.
appeals-attachments-expected = Пришлите фото или документ, или нажмите «Отправить». Текст обращения уже записан; чтобы изменить его, нажмите «Назад».
appeals-send = 📨 Отправить
appeals-registered = ✅ { $kind ->
        [question] Вопрос № { $number } от { DATE($date) } зарегистрирован
       *[appeal] Обращение № { $number } от { DATE($date) } зарегистрировано
    }. Ответ придёт сюда, в чат.
appeals-answer-received =
    💬 { $kind ->
        [question] Ответ на вопрос
       *[appeal] Ответ на обращение
    } № { $number } от { DATE($date) }
    <blockquote>{ $text }</blockquote>
    { $answer }
appeals-closed = { $kind ->
        [question] Вопрос № { $number } закрыт без ответа{ close-reason }. Если он остался, задайте новый.
       *[appeal] Обращение № { $number } закрыто без ответа{ close-reason }. Если вопрос остался, напишите новое обращение.
    }
    <blockquote>{ $text }</blockquote>
close-reason = { $reason ->
        [duplicate] : оно повторяет другое ваше обращение, ответ — там
        [resolved] : вопрос решён по телефону или на месте
        [not-ours] : вопрос решает другая организация, не поставщик
        [unclear] : в нём нет сведений, по которым можно что-то сделать
       *[none] {""}
    }

## Группа сотрудников
staff-post =
    <b>{ $kind ->
        [question] Вопрос
       *[appeal] Обращение
    } № { $number }</b> от { DATETIME($date) }
    Житель: { $name }, тел. { PHONE($phone) }, { $email }
    ЛС № { $account }, { $address }
    Поставщик: { $supplier }
    Вложений: { $files }

    { $text }{ $status }
staff-post-forgotten =
    <b>{ $kind ->
        [question] Вопрос
       *[appeal] Обращение
    } № { $number }</b> от { DATETIME($date) }, ЛС № { $account }
    🗑 Житель удалил профиль { DATETIME($at) }: имя, контакты, текст и ответ удалены.
staff-post-refused = ⚠️ <b>Обращение № { $number }</b>: Telegram не принял публикацию ({ $reason }). Текст обращения — в файле ниже. Чтобы ответить жителю, ответьте (Reply) на это сообщение.
staff-answered = {"\u000a"}{"\u000a"}✅ Ответ дан { DATETIME($at) }, { $who }:{"\u000a"}{ $answer }
staff-closed = {"\u000a"}{"\u000a"}☑️ Закрыто без ответа { DATETIME($at) }, { $who }{ close-reason }
staff-answer-button = ✍️ Ответить
staff-close-button = ☑️ Закрыть без ответа
staff-close-reason = { $reason ->
        [duplicate] 🔁 Повторяет другое обращение
        [resolved] 📞 Решено по телефону или на месте
        [not-ours] 🏢 Не к поставщику
       *[unclear] ❔ Нет сведений для ответа
    }
staff-close-keep = ◀️ Не закрывать
staff-answer-prompt = ✍️ Ответ на обращение № { $number }: ответьте (Reply) на это сообщение текстом ответа.
staff-answer-placeholder = Текст ответа жителю
staff-answer-sent = ✅ Ответ на обращение № { $number } отправлен жителю.
staff-answer-invalid = Ответ должен быть непустым и не длиннее { $limit } знаков.
staff-settled-by = Обращение № { $number } уже { $status ->
        [answered] получило ответ
       *[closed] закрыто
    }: { $who }, { DATETIME($at) }.
staff-not-open = Обращение № { $number } уже закрыто или на него уже ответили.
staff-closed-done = Обращение № { $number } закрыто.
staff-open-none = Неотвеченных обращений нет.
staff-open =
    <b>Неотвеченные обращения: { $count }</b> (сначала старые)

    { $lines }
staff-open-line = № { $number } · { DATETIME($date) } · { $kind ->
        [question] вопрос
       *[appeal] обращение
    }: { $text }

## Период
period-choose = За какой период показать?
period-change = 🗓 Другой период
appeals-list =
    <b>Обращения</b> с { $start } по { $end }{ $pages ->
        [1] {""}
       *[other] {" "}({ $page } из { $pages })
    }

    { $none ->
        [yes] Обращений за этот период нет.
       *[no] { $lines }
    }
requisites-meters =
    <b>Список счётчиков</b> с { $start } по { $end }

    { $none ->
        [yes] Счётчиков нет.
       *[no] { $lines }
    }

## Напоминания
fallback-password-deleted = 🔒 Похоже, это был пароль: сообщение удалено из чата. Разговор, который его просил, прервался — начните снова: /start.
service-unavailable = 😔 Сервис временно недоступен. Попробуйте ещё раз через несколько минут.
fallback-not-understood = Не понял сообщение. Главное меню — /start, список команд — /help.

## Оплата (раздел 7 руководства)
accounts-pay = 💳 Оплатить
payment-form =
    <b>Оплата</b> · ЛС № { $number }
    { $address }
    { $has_bill ->
        [yes] По счёту за { MONTH($period) }. Нажмите на строку, чтобы изменить сумму (0 — не платить по ней).

        { $lines }

        К оплате: <b>{ MONEY($total) }</b>
        Чек придёт на: { $contact }
        { $accepted ->
            [yes] ✅ С правилами оплаты согласен.
           *[no] Чтобы оплатить, согласитесь с правилами оплаты.
        }{ $none ->
            [yes] {"\u000A\u000A"}Оплата в боте пока не подключена: оплатить можно по квитанции в банке или на сайте.
           *[no] {""}
        }
        [paid] ✅ Счёт за { MONTH($period) } оплачен: платежи после него покрыли всю сумму. Когда придёт следующий счёт, бот напишет.
       *[no] Счетов для оплаты пока нет.
    }
payment-line = • { $supplier }, ЛС № { $account }: <b>{ MONEY($amount) }</b>{ $changed ->
        [yes] {" "}(осталось оплатить { MONEY($due) })
       *[no] {""}
    }
payment-line-button = ✏️ { $supplier } · { MONEY($amount) }
payment-change-contact = 📧 Куда прислать чек
payment-accept = ⬜ Согласен с правилами
payment-accepted = ✅ Согласен с правилами
payment-rules = 📄 Правила оплаты
payment-pay-telegram = 💳 Оплатить в Telegram
payment-pay-page = 🌐 Оплатить на сайте ЮKassa
payment-ask-amount =
    Сколько заплатить по «{ $supplier }», ЛС № { $account }? Осталось оплатить: { MONEY($due) }.
    Введите сумму, например 1628,12; 0 — не платить по этой строке.
payment-ask-contact = { $sms ->
        [yes] Введите e-mail или номер телефона, куда прислать чек.
       *[no] Введите e-mail, куда прислать чек.
    }
payment-rules-text =
    <b>Правила оплаты</b>

    Оплата принимается банковскими картами МИР, VISA и MasterCard, а также другими способами, которые предлагает платёжный сервис ЮKassa. Данные карты вводятся на странице платёжного сервиса или в Telegram и не передаются ПАО "Томскэнергосбыт".

    Платёж зачисляется на лицевой счёт в течение 1–3 рабочих дней и учитывается в следующем счёте. Кассовый чек по 54-ФЗ приходит на указанный e-mail или телефон.

    Вернуть ошибочный платёж можно по заявлению в офисе обслуживания или через обращение в этом боте.
payment-invalid-amount = Это не похоже на сумму. Введите рубли и копейки, например 1628,12 или 0.
payment-too-large = За один раз можно заплатить не больше { MONEY($limit) }.
payment-invalid-contact = Это не похоже на e-mail{ $sms ->
        [yes] {" "}или номер телефона
       *[no] {""}
    }. Пример: ivanova@mail.ru
payment-accept-rules = Чтобы оплатить, согласитесь с правилами оплаты.
payment-nothing = Нечего оплачивать: все суммы равны нулю.
payment-service-down = Платёжный сервис сейчас не отвечает. Деньги не списаны — попробуйте через несколько минут.
payment-invoice-title = Оплата по ЛС № { $number }
payment-invoice-description = Оплата жилищно-коммунальных услуг: { $address }
payment-invoiced = Счёт на оплату — выше. Нажмите в нём «Заплатить» и введите данные карты; о результате бот напишет.
payment-page = Платёж создан. Перейдите на страницу ЮKassa и введите данные карты; о результате бот напишет.
payment-go-to-page = 🌐 Перейти к оплате
payment-done = ✅ Готово
payment-refused-unknown = Этот счёт больше не действует. Откройте оплату заново.
payment-refused-paid = Этот счёт уже оплачен.
payment-refused-expired = Время на оплату этого счёта истекло. Откройте оплату заново.
payment-refused-canceled = Этот платёж отменён. Откройте оплату заново.
payment-refused-changed = Сумма счёта изменилась. Откройте оплату заново.
payment-refused-replaced = Этот счёт больше не действует: позже вы открыли новую оплату — завершите её.
payment-paid =
    ✅ <b>Оплата прошла</b>: { MONEY($amount) } по ЛС № { $number }.
    { $lines }
    Чек придёт на { $contact }. Платёж появится в истории оплат сразу, а в счёте — после зачисления.
payment-paid-line = • { $supplier }, ЛС № { $account }: { MONEY($amount) }
payment-failed =
    ❌ <b>Оплата { MONEY($amount) } по ЛС № { $number } не прошла</b>: { $status ->
        [expired] время на оплату истекло.
       *[canceled] { $reason ->
            [replaced] после неё вы открыли новую оплату — завершите её.
            [paid] счёт уже оплачен другим платежом.
            [insufficient_funds] на карте недостаточно средств.
            [card_expired] срок действия карты истёк.
            [expired_on_confirmation] время на подтверждение истекло.
            [canceled_by_merchant] платёж отменён.
            [permission_revoked] отозвано разрешение на списание.
            [fraud_suspected] платёж заподозрен в мошенничестве и отклонён банком.
           *[other] банк отклонил платёж.
        }
    }
    { $reason ->
        [replaced] Деньги не списаны: сумму, которую банк удержал на карте, он вернёт.
        [paid] Деньги не списаны: сумму, которую банк удержал на карте, он вернёт.
       *[other] Деньги не списаны.
    }
payment-try-again = 🔁 Попробовать снова
profile-ask-gender = Укажите пол. «Не указывать» уберёт его из профиля.
profile-ask-birth-date = Введите дату рождения в формате ДД.ММ.ГГГГ, например 31.12.1980. «Не указывать» уберёт её из профиля.
profile-clear = 🚫 Не указывать
## Квитанция (PDF)
receipt-title = Единый платёжный документ за { $month }
receipt-author = ПАО "Томскэнергосбыт"
receipt-account = Лицевой счёт: { $number }
receipt-link-code = Код для добавления договора: { $code } — чтобы подключить этот счёт в чат-боте
receipt-payer = Плательщик: { $owner }
receipt-address = Адрес: { $address }
receipt-premises = Площадь: общая { $total } м², жилая { $living } м² · Зарегистрировано: { $persons }
receipt-issued = Дата выставления: { $date }
receipt-pay-by = Оплатить до: { $date }
receipt-supplier = <b>{ $name }</b><br/>ИНН { $inn }, БИК { $bic }<br/>р/с { $account }, к/с { $corr }<br/>{ $bank }<br/>Лицевой счёт у поставщика: <b>{ $personal }</b>
receipt-total-debt = Долг на начало
receipt-total-paid = Оплачено
receipt-total-charged = Начислено
receipt-total-support = Льготы, субсидии
receipt-total-corrections = Перерасчёт
receipt-total-end = Долг на конец
receipt-total-penalties = Пени
receipt-total-to-pay = Итого к оплате
receipt-column-service = Услуга
receipt-column-unit = Ед. изм.
receipt-column-quantity = Объём
receipt-column-tariff = Тариф
receipt-column-debt = Долг на начало
receipt-column-paid = Оплачено
receipt-column-charged = Начислено
receipt-column-support = Льготы, субсидии
receipt-column-corrections = Перерасчёт
receipt-column-end = К оплате
receipt-meters = Показания приборов учёта
receipt-meter-meter = Счётчик
receipt-meter-service = Услуга
receipt-meter-zone = Зона
receipt-meter-previous = Предыдущие
receipt-meter-current = Текущие
receipt-meter-consumption = Расход
receipt-meter-unit = Ед. изм.
receipt-zone = { $zone ->
        [day] день
        [night] ночь
       *[single] —
    }
receipt-grand-total = ВСЕГО К ОПЛАТЕ: { $total }

## Уведомления
notify-reading-window =
    📟 Напоминаем: показания принимаются до { DATE($deadline) }. По лицевому счёту № { $number } ({ $address }) { $meters ->
        [one] { $meters } счётчик ещё без показаний
        [few] { $meters } счётчика ещё без показаний
       *[many] { $meters } счётчиков ещё без показаний
    } за этот месяц.
notify-meter-expiring =
    ⚠️ { $today ->
        [yes] Сегодня, { DATE($until) }, истекает срок поверки счётчика № { $meter }
       *[no] { DATE($until) } истекает срок поверки счётчика № { $meter }
    } (лицевой счёт № { $number }). После этой даты показания счётчика не принимаются, и начисления идут по нормативу.
    Что сделать: закажите поверку или замену счётчика в аккредитованной организации, затем передайте копию акта или свидетельства поставщику — через обращение в боте или в офисе.
notify-new-bill =
    🧾 Пришёл счёт за { $month } по лицевому счёту № { $number }. { $owes ->
        [yes] К оплате: { MONEY($amount) }, оплатить до { DATE($pay_by) }.
       *[no] Долга нет.
    }
notify-open-readings = 📟 Передать показания
notify-open-bill = 🧾 Открыть счёт
notify-open-pay = 💳 Оплатить
notify-appeals-digest =
    <b>Без ответа { $days } дн. и дольше: { $count }</b>
    { $lines }{ $more ->
        [0] {""}
       *[other] {"\u000A"}…и ещё { $more }. Все — /open
    }
notify-digest-line = № { $number } — ждёт { $days } дн.
notify-payment-alert =
    ⚠️ <b>Платёж требует проверки</b>: { $reason ->
        [replaced] оплачена форма, которую житель заменил новой.
        [expired] оплачено после истечения срока формы.
        [twice] счёт оплачен через бота повторно.
       *[unknown] Telegram принял оплату, которой нет среди платежей бота.
    }
    { $payment ->
        [0] Оплата { $provider } от пользователя Telegram { $user }: { MONEY($amount) }.
       *[other] Платёж № { $payment }, ЛС № { $number }: { MONEY($amount) } ({ $provider }).
    }
    { $payment ->
        [0] Деньги взяты, но не записаны ни на один счёт: найдите платёж у ЮKassa и оформите зачисление или возврат.
       *[other] Деньги записаны на лицевой счёт и уйдут в биллинг; если житель попросит, оформите возврат.
    }
notifications-settings = 🔔 <b>Уведомления</b>. Нажмите на строку, чтобы включить или выключить.
notifications-kind = { $on ->
        [yes] ✅
       *[no] 🔕
    } { $kind ->
        [reading-window] Напоминание о показаниях
        [meter-expiring] Срок поверки счётчика
        [new-bill] Новый счёт
        [payment-result] Результат оплаты
        [reading-replaced] Замена показаний расчётным центром
       *[appeal-answered] Ответ на обращение
    }
staff-broadcasts-none = Рассылок ещё не было.
staff-broadcasts =
    <b>Последние рассылки</b>

    { $lines }
staff-broadcast-line = <b>{ $run }</b> · { DATETIME($at) }
    в очереди { $queued } · отправлено { $sent } · заблокировали бота { $blocked } · отключили { $muted } · ошибок { $failed }

## Источник и статус показаний, оценка начисления, устройства
reading-source = { $source ->
        [resident] 💬 переданы в боте
        [device] 📡 переданы устройством
        [web] 🌐 переданы в личном кабинете
        [inspector] 👷 сняты контролёром
        [average] 📊 расчёт по среднему
        [norm] 📊 расчёт по нормативу
       *[billing] 🏢 данные расчётного центра
    }
readings-photo-attached = 📷 Фото приложено, оно сохранится вместе с показаниями. Теперь введите показания.
readings-estimate =
    🧮 <b>Предварительный расчёт</b> (оценка: точная сумма — в счёте)
    Расход с { DATE($since) }: { $consumption }
    { $lines }
    Итого ≈ { MONEY($total) }
readings-estimate-used = { $zone ->
        [day] день{" "}
        [night] ночь{" "}
       *[single] {""}
    }{ VALUE($used) } { UNIT($unit) }
readings-estimate-line = { $zone ->
        [day] День
        [night] Ночь
       *[single] Расход
    }{ $band ->
        [first] {" "}в пределах социальной нормы
        [above] {" "}сверх { VALUE($above) } { UNIT($unit) } в месяц
       *[none] {""}
    }: { VALUE($quantity) } { UNIT($unit) } × { VALUE($price) } ₽ = { MONEY($amount) }
readings-devices = 📡 Умные счётчики и устройства
devices =
    <b>Устройства, передающие показания</b>
    Умный считыватель (Waterius, Home Assistant и подобные) может передавать показания сам — по токену, который выдаётся здесь.

    { $none ->
        [yes] Устройств пока нет.
       *[no] { $lines }
    }
devices-line = • { $name } · подключено { DATE($created) } · { $used ->
        [yes] последний раз { DATETIME($last) }
       *[no] ещё не передавало
    }
devices-revoke-button = 🔌 Отключить: { $name }
devices-add = ➕ Подключить устройство
devices-ask-name = Как назвать устройство? Например: «Waterius, ванная». До 64 символов.
devices-name-invalid = Название — от 1 до { $limit } символов, без служебных знаков. Введите другое.
devices-too-many = По счёту уже { $limit } устройств — это предел. Отключите ненужное, чтобы подключить новое.
devices-token =
    🔑 Токен устройства «{ $name }»:
    <code>{ $token }</code>

    Он показан один раз: скопируйте его в настройки устройства. Кто знает токен, может передавать показания по этому счёту — не пересылайте его. Потерянный токен отключите и выдайте новый.
    { $url ->
        [none] Адрес для устройства сообщит служба поддержки.
       *[other] Адрес: <code>{ $url }</code>
    }
devices-revoke = Отключить устройство «{ $name }»? Его токен перестанет действовать сразу.
devices-revoke-yes = Да, отключить
devices-revoke-no = Нет
devices-revoked = Устройство отключено.
devices-not-found = Такого устройства нет среди подключённых к этому счёту.
notify-reading-replaced =
    ♻️ Расчётный центр заменил показания счётчика № { $meter }{ $zone ->
        [day] {" "}(день)
        [night] {" "}(ночь)
       *[single] {""}
    } за { MONTH($month) } (лицевой счёт № { $number }): было { VALUE($value) } { UNIT($unit) }{ $has_used ->
        [yes] , учтено { VALUE($used) } { UNIT($unit) } — { reading-source }
       *[no] ; своих показаний расчётный центр не прислал: сколько учтено, покажет счёт за { MONTH($month) }
    }.
    Причина: { $reason }
    Не согласны — напишите обращение поставщику.
staff-photo-usage = Напишите номер показаний из выгрузки: /photo 123
staff-photo-none = У показаний № { $number } нет фото.
staff-photo = Показания № { $number }: счётчик № { $meter }, лицевой счёт № { $account }, { VALUE($value) } { UNIT($unit) } от { DATETIME($at) }
