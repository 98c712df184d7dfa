"""Field types shared by the register and configuration models.

Every scalar arrives as text (see loader.yamltree); these types turn text into what a
field asks for, with error types that the locator translates into Chinese.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, StringConstraints
from pydantic_core import PydanticCustomError

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YES = frozenset(("是", "true", "True", "TRUE", "yes", "Yes", "YES", "对", "1"))
_NO = frozenset(("否", "false", "False", "FALSE", "no", "No", "NO", "不", "0"))


def as_list(value: Any) -> Any:
    """A single text value is accepted where a list is expected (FORMAT.md)."""
    if isinstance(value, str):
        return [value]
    return value


def parse_date(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return value
    text = value.strip()
    if not _ISO_DATE.match(text):
        raise PydanticCustomError("lz_date_format", "日期“{text}”的格式不对", {"text": text})
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise PydanticCustomError("lz_date_invalid", "“{text}”不是真实存在的日期", {"text": text}) from None


def parse_bool(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, str):
        return value
    text = value.strip()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise PydanticCustomError("lz_bool", "“{text}”不是“是”或“否”", {"text": text})


TextList = Annotated[list[Text], BeforeValidator(as_list, json_schema_input_type=str | list[str])]
IsoDate = Annotated[dt.date, BeforeValidator(parse_date, json_schema_input_type=dt.date)]
YesNo = Annotated[bool, BeforeValidator(parse_bool, json_schema_input_type=bool | Literal["是", "否"])]
