"""Russian and English: interface texts, and numbers and dates formatted for the language."""

from __future__ import annotations

from datetime import date, datetime

LANGUAGES = ("ru", "en")

TEXTS: dict[str, tuple[str, str]] = {  # key: (ru, en)
    "app": ("Отчёты ВАТС", "PBX reports"),
    "login": ("Вход", "Log in"),
    "logout": ("Выйти", "Log out"),
    "domain": ("Домен", "Domain"),
    "domain_hint": ("пусто — администратор платформы", "empty for a platform admin"),
    "user_login": ("Логин", "Login"),
    "password": ("Пароль", "Password"),
    "captcha": ("Код с картинки", "Code from the picture"),
    "bad_login": ("Неверный домен, логин или пароль", "Wrong domain, login or password"),
    "bad_captcha": ("Неверный код с картинки", "Wrong code from the picture"),
    "locked": (
        "Слишком много ошибок: вход заблокирован на {minutes} мин.",
        "Too many failures: log-in locked for {minutes} min.",
    ),
    "expired": ("Сеанс истёк, войдите снова", "Session expired, please log in again"),
    "overview": ("Обзор", "Overview"),
    "numbers": ("Номера", "Numbers"),
    "employees": ("Сотрудники", "Employees"),
    "queues": ("Очереди", "Queues"),
    "cdr": ("Поиск звонков", "Call search"),
    "platform": ("Платформа", "Platform"),
    "tenants": ("Клиенты", "Tenants"),
    "tenant": ("Клиент", "Tenant"),
    "period": ("Период", "Period"),
    "today": ("Сегодня", "Today"),
    "yesterday": ("Вчера", "Yesterday"),
    "last7": ("7 дней", "Last 7 days"),
    "last30": ("30 дней", "Last 30 days"),
    "this_month": ("Этот месяц", "This month"),
    "last_month": ("Прошлый месяц", "Last month"),
    "custom": ("Свой период", "Custom"),
    "from": ("с", "from"),
    "to": ("по", "to"),
    "group": ("Группировка", "Group by"),
    "hour": ("по часам", "hour"),
    "day": ("по дням", "day"),
    "week": ("по неделям", "week"),
    "month": ("по месяцам", "month"),
    "show": ("Показать", "Show"),
    "search": ("Найти", "Search"),
    "export": ("Выгрузить", "Export"),
    "calls_in": ("Входящие", "Calls in"),
    "calls_out": ("Исходящие", "Calls out"),
    "calls": ("Звонки", "Calls"),
    "answered": ("Отвечено", "Answered"),
    "answered_share": ("Доля отвеченных", "Answered share"),
    "no_answer": ("Без ответа", "No answer"),
    "busy": ("Занято", "Busy"),
    "failed": ("Ошибка", "Failed"),
    "talk": ("Время разговоров", "Talk time"),
    "duration": ("Длительность", "Duration"),
    "avg_call": ("Средний звонок", "Average call"),
    "peak": ("Пик одновременных", "Peak concurrent"),
    "calllimit": ("Лимит линий", "Call limit"),
    "number": ("Номер", "Number"),
    "comment": ("Комментарий", "Comment"),
    "bucket": ("Время", "Time"),
    "trend": ("Динамика", "Trend"),
    "heatmap": ("Нагрузка: день недели × час", "Load: weekday × hour"),
    "weekday": ("День недели", "Weekday"),
    "freshness": ("Данные обновлены", "Data updated"),
    "never": ("никогда", "never"),
    "minutes_ago": ("{n} мин. назад", "{n} min ago"),
    "freshness_utc": ("Конвейер: последний успех (UTC)", "Pipeline: last success (UTC)"),
    "employee": ("Сотрудник", "Employee"),
    "in_answered": ("Входящие отвеченные", "In answered"),
    "missed": ("Пропущенные", "Missed"),
    "out_answered": ("Исходящие отвеченные", "Out answered"),
    "internal": ("Внутренние", "Internal"),
    "queue_answered": ("Ответы в очередях", "Queue calls answered"),
    "queue_talk": ("Разговоры в очередях", "Queue talk time"),
    "ringnoanswer": ("Звонил, не ответил", "Rings not answered"),
    "queue": ("Очередь", "Queue"),
    "offered": ("Поступило", "Offered"),
    "abandoned": ("Брошено", "Abandoned"),
    "timeout": ("Таймаут", "Timeout"),
    "sl_offered": ("Уровень сервиса (от поступивших)", "Service level (of offered)"),
    "sl_answered": ("Уровень сервиса (от отвеченных)", "Service level (of answered)"),
    "asa": ("Среднее ожидание ответа", "ASA"),
    "avg_talk": ("Средний разговор", "Average talk"),
    "abandon_rate": ("Доля брошенных", "Abandon rate"),
    "longest_wait": ("Самое долгое ожидание", "Longest wait"),
    "total": ("Итого", "Total"),
    "by_hour": ("По часам суток", "By hour of day"),
    "hour_of_day": ("Час", "Hour"),
    "found": ("Найдено", "Found"),
    "next_page": ("Дальше", "Next"),
    "first_page": ("В начало", "First page"),
    "direction": ("Направление", "Direction"),
    "any": ("любое", "any"),
    "in": ("входящий", "in"),
    "out": ("исходящий", "out"),
    "disposition": ("Статус", "Disposition"),
    "min_duration": ("Мин. длительность, с", "Min. duration, s"),
    "calldate": ("Начало", "Start"),
    "src": ("Кто звонил", "From"),
    "dst": ("Куда", "To"),
    "clid": ("Caller ID", "Caller ID"),
    "billsec": ("Разговор", "Talk"),
    "recording": ("Запись", "Recording"),
    "listen": ("скачать", "download"),
    "disabled_title": ("Аналитика отключена", "Analytics is turned off"),
    "disabled_text": (
        "Для этого клиента аналитика отключена (опция analytics_enabled).",
        "Analytics is turned off for this tenant (option analytics_enabled).",
    ),
    "unmapped": ("без номера", "no number"),
    "last_backup": ("Последний бэкап", "Last backup"),
    "pipeline": ("Конвейер", "Pipeline"),
    "no_data": ("Нет данных", "No data"),
    "not_found": ("Не найдено", "Not found"),
    "language": ("Язык", "Language"),
    "chart": ("График", "Chart"),
}

WEEKDAYS = {
    "ru": ("Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
MONTHS_RU = ["янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"]


def text(key: str, lang: str, **fields: object) -> str:
    """The interface text of a key in a language (the key itself when unknown)."""
    pair = TEXTS.get(key)
    value = key if pair is None else pair[0 if lang == "ru" else 1]
    return value.format(**fields) if fields else value


def fmt_int(value: int | float | None, lang: str) -> str:
    """A whole number with the language's thousands separator."""
    if value is None:
        return "—"
    out = f"{round(value):,}"
    return out.replace(",", "\u00a0") if lang == "ru" else out


def fmt_decimal(value: float | None, lang: str, digits: int = 1) -> str:
    """A decimal number with the language's separators."""
    if value is None:
        return "—"
    out = f"{value:,.{digits}f}"
    if lang == "ru":
        out = out.replace(",", "\u00a0").replace(".", ",")
    return out


def fmt_pct(value: float | None, lang: str) -> str:
    """A ratio (0..1) as a percentage."""
    return "—" if value is None else fmt_decimal(value * 100, lang) + "\u00a0%"


def fmt_seconds(value: int | float | None, lang: str) -> str:
    """Seconds as h:mm:ss (m:ss under an hour)."""
    if value is None:
        return "—"
    total = round(value)
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def fmt_date(value: date | None, lang: str) -> str:
    """A date: 27.11.2026 in Russian, 2026-11-27 in English."""
    if value is None:
        return "—"
    return value.strftime("%d.%m.%Y") if lang == "ru" else value.isoformat()


def fmt_datetime(value: datetime | None, lang: str) -> str:
    """A date and time to the second."""
    if value is None:
        return text("never", lang)
    return f"{fmt_date(value.date(), lang)} {value:%H:%M:%S}"


def fmt_bucket(value: datetime, grouping: str, lang: str) -> str:
    """The label of a group start: an hour, a day, a week (its Monday) or a month."""
    if grouping == "hour":
        return f"{fmt_date(value.date(), lang)} {value:%H}:00"
    if grouping == "month":
        return f"{MONTHS_RU[value.month - 1]} {value.year}" if lang == "ru" else f"{value:%b %Y}"
    return fmt_date(value.date(), lang)
