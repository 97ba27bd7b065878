"""Realistic names: tenant domains, employees, queues, phone numbers."""

from __future__ import annotations

import random

FIRST_TENANTS = ("demo", "telvio")
_STEMS = (
    "alfa", "vektor", "delta", "nord", "sever", "profi", "stroy", "medi", "avto", "kom", "tekh",
    "invest", "trans", "logist", "eko", "agro", "ural", "volga", "baltik", "sibir", "neva",
    "optima", "start", "forum", "klever", "gorod", "dom", "zdrav", "fin", "yug",
)  # fmt: skip
_ENDINGS = (
    "tel", "kom", "servis", "grupp", "plus", "soft", "treid", "lain", "net", "pro", "market",
    "stroi", "com", "lab", "centr", "office",
)  # fmt: skip

RU_FIRST = (
    "Иван", "Алексей", "Сергей", "Дмитрий", "Андрей", "Михаил", "Ольга", "Елена", "Наталья",
    "Татьяна", "Анна", "Мария", "Павел", "Юлия", "Светлана", "Игорь", "Екатерина", "Роман",
)  # fmt: skip
RU_LAST = (
    "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов",
    "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров",
)  # fmt: skip
EN_FIRST = (
    "John", "Anna", "Peter", "Mary", "David", "Laura", "Michael", "Sarah", "James", "Emma",
    "Robert", "Linda", "Thomas", "Kate", "Daniel", "Julia",
)  # fmt: skip
EN_LAST = (
    "Smith", "Brown", "Taylor", "Wilson", "Johnson", "Walker", "Wright", "Green", "Hall",
    "Wood", "Clark", "Turner", "Baker", "Harris",
)  # fmt: skip

QUEUE_NAMES = ("sales", "support", "reception", "billing", "service", "office")
CITY_CODES = ((495, 6), (499, 2), (812, 2), (343, 1), (383, 1), (846, 1))
NUMBER_COMMENTS_RU = ("Основной", "Отдел продаж", "Поддержка", "Бухгалтерия", "Реклама", "Резерв")
NUMBER_COMMENTS_EN = ("Main", "Sales", "Support", "Accounts", "Advertising", "Spare")


def tenant_names(count: int, taken: set[str] | None = None) -> list[str]:
    """`demo`, `telvio`, then deterministic made-up company domains, none in `taken`."""
    taken = set(taken or ())
    names: list[str] = []
    candidates = [*FIRST_TENANTS]
    rng = random.Random("qfon-tenant-names")  # noqa: S311 - demo data, not security
    combos = [s + e for s in _STEMS for e in _ENDINGS]
    rng.shuffle(combos)
    candidates += combos
    candidates += [f"{c}{i}" for i in range(2, 100) for c in combos]
    for name in candidates:
        if len(names) == count:
            break
        if name not in taken:
            names.append(name)
            taken.add(name)
    return names


def person(rng: random.Random, language: str) -> str:
    """An employee's full name in the tenant's language."""
    if language == "ru":
        first, last = rng.choice(RU_FIRST), rng.choice(RU_LAST)
        if first[-1] in "аяь" and first not in ("Игорь",):
            last += "а"
        return f"{first} {last}"
    return f"{rng.choice(EN_FIRST)} {rng.choice(EN_LAST)}"


def city_number(rng: random.Random, used: set[str]) -> str:
    """An 11-digit Russian city number `7AAANNNNNNN` not yet in `used`."""
    codes = [c for c, _ in CITY_CODES]
    weights = [w for _, w in CITY_CODES]
    while True:
        code = rng.choices(codes, weights)[0]
        number = f"7{code}{rng.randrange(2_000_000, 9_999_999)}"
        if number not in used:
            used.add(number)
            return number


def shown(number: str) -> str:
    """`74952216005` as the platform shows it: `+7(495)2216005`."""
    return f"+{number[0]}({number[1:4]}){number[4:]}"


def customer_number(rng: random.Random) -> str:
    """A caller's number: mostly mobile `79xxxxxxxxx`, some city numbers."""
    if rng.random() < 0.7:
        return f"79{rng.randrange(10**9):09d}"
    return f"7{rng.choice((495, 499, 812))}{rng.randrange(10**7):07d}"
