"""A time zone named in a setting: an IANA name the standard library knows."""

from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator


def _known(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone {name!r}") from error
    return name


ZoneInfoName = Annotated[str, AfterValidator(_known)]
"""An IANA time zone name (`UTC`, `Europe/Malta`), checked when the setting is read."""
