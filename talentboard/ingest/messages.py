"""Messages: a key and its values, put into words only when shown, in the reader's language."""
from __future__ import annotations

from dataclasses import dataclass, field

from talentboard import schema
from talentboard.i18n import label, t


UNIT_KEYS = {"元": "unit.yuan", "万元": "unit.wan_yuan", "千元": "unit.thousand_yuan", "亿元": "unit.yi_yuan",
             "小时": "unit.hour", "分钟": "unit.minutes", "天": "unit.days", "%": "unit.percent", "分": "unit.points",
             "": "unit.none"}


@dataclass(frozen=True)
class Term:
    """A name from the registry inside a message, worded when the message is shown: a dataset, one of its
    columns (with the canonical name when `named`), or one of an enum's values."""
    dataset: str
    column: str = ""
    value: str = ""
    named: bool = False

    def text(self, lang: str) -> str:
        dataset = schema.DATASETS[self.dataset]
        if not self.column:
            return label(dataset, lang)
        if self.value:
            return str(schema.display(self.dataset, self.column, self.value, lang))
        name = label(dataset.column(self.column), lang)
        return t("data.field", lang, label=name, name=self.column) if self.named else name


@dataclass(frozen=True)
class Unit:
    """A unit (元, 万元, 小时, 分钟 …) inside a message."""
    name: str

    def text(self, lang: str) -> str:
        return t(UNIT_KEYS[self.name], lang) if self.name in UNIT_KEYS else self.name


@dataclass(frozen=True)
class Listing:
    """Several items inside a message (terms, or text from the file), joined as the reader's language does."""
    items: tuple

    def text(self, lang: str) -> str:
        return t("wb.value_sep", lang).join(worded(item, lang) for item in self.items)


def worded(value: object, lang: str) -> object:
    return value.text(lang) if isinstance(value, (Term, Unit, Listing)) else value


def resolve(values: dict, lang: str) -> dict:
    """A message's values in the reader's language."""
    return {k: worded(v, lang) for k, v in values.items()}


class ImportRejected(Exception):
    """The whole file is refused; nothing is written. Carries a translation key and its values."""

    def __init__(self, key: str, **values: object):
        super().__init__(key)
        self.key, self.values = key, values
        self.layout = None  # set when the file was read but its columns could not be mapped

    def message(self, lang: str = "zh") -> str:
        return t(self.key, lang, **resolve(self.values, lang))


@dataclass
class Message:
    key: str
    values: dict = field(default_factory=dict)

    def text(self, lang: str = "zh") -> str:
        return t(self.key, lang, **resolve(self.values, lang))


@dataclass
class RowError:
    row: int
    column: str
    value: str | None
    code: str
    params: dict = field(default_factory=dict)
    header: str = ""  # the column as the file names it, for people; `column` is the canonical name
    position: int = -1  # the column's place in the file (0-based), for the error report
    employee_id: str | None = None  # whose row it is, as the file has it (datasets with these columns)
    name: str | None = None

    def message(self, lang: str = "zh") -> str:
        return t(self.code, lang, **resolve(self.params, lang))

    def as_dict(self, lang: str = "zh") -> dict:
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message(lang)}
