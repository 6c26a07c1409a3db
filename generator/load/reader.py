"""Reading typed values (text, numbers, dates, choices) out of YAML input, with messages a maintainer
can act on. (Formatting numbers for readers is `render.formats`; finding numbers in article text is
the extractor's.)

Numbers are read from the text as typed, not from YAML's guess: YAML 1.1 reads `010` as octal 8,
`0x10` as 16 and `no` as false, and `6.027` (six thousand and twenty-seven, Vietnamese style) as a
decimal fraction. Each of those becomes a located problem with the right way to write it.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from generator.i18n import Text, later
from generator.load.yamlfile import YList, YMap
from generator.model.problems import Problems
from generator.model.types import PartialDate

_INT = re.compile(r"[+-]?\d+")
_DEC = re.compile(r"[+-]?\d+(?:\.\d+)?")
_VI_THOUSANDS = re.compile(r"\d{1,3}(?:[.,]\d{3})+")
_VI_DECIMAL = re.compile(r"\d+,\d+%?")
_DECIMALS_KEY = re.compile(r"\d+%?")  # what a flow mapping leaves of "98,1%" after the comma
_PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{2}))?")
_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
MAX_TEXT = 5000
Choice = TypeVar("Choice", bound=str)
# Invisible characters that reorder how text is displayed (used to disguise text): never published.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def _type_name(value: Any) -> Text:
    if isinstance(value, bool):
        return later("a yes/no value")
    if isinstance(value, (int, float)):
        return later("a number")
    if isinstance(value, (dt.date, dt.datetime)):
        return later("a date")
    if isinstance(value, YMap):
        return later("a group of keys")
    if isinstance(value, YList):
        return later("a list")
    if value is None:
        return later("nothing")
    return later("text")


def suggest(word: str, choices: Iterable[str]) -> Text | str:
    """"did you mean …?" for a close choice, else "" (so that `suggest(…) or other_hint` works)."""
    close = difflib.get_close_matches(word, [c for c in choices if c != word], n=1, cutoff=0.6)
    return later("did you mean '{choice}'?", choice=close[0]) if close else ""


class Reader:
    """Reads typed values out of one file's YMaps, reporting problems against that file."""

    def __init__(self, path: str, problems: Problems):
        self.path = path
        self.problems = problems

    # -- reporting -------------------------------------------------------------------------
    def say(self, msgid: str | Text, **values: object) -> str:
        """A message in the language problems are written in."""
        return self.problems.say(msgid, **values)

    def error(self, pos: tuple[int, int], message: str | Text, hint: str | Text = "",
              fix: tuple[str, str] = ("", "")) -> None:
        """Report at `pos`; `fix` is the literal (old, new) text on that line the hint asks for."""
        self.problems.add(self.path, pos[0], pos[1], message, hint, fix=fix)


    # -- structure -------------------------------------------------------------------------
    def keys(self, m: YMap, allowed: Sequence[str], required: Sequence[str] = (),
             where: str | Text = "") -> None:
        keys = list(m)
        for i, key in enumerate(keys):
            if key in allowed:
                continue
            previous = keys[i - 1] if i else ""
            if _DECIMALS_KEY.fullmatch(key) and m.get(previous) is not None \
                    and (m.raw.get(previous) or "").isdigit():
                # "{percent: 83,33}" or "{percent: 98,1%}": inside braces the comma ends the value
                whole = f"{m.raw[previous]}.{key.rstrip('%')}"
                self.error(m.key_pos[key], self.say("'{key}' after '{previous}: {value}' looks like the decimals of "
                                                    "{whole} written with a decimal comma", key=key,
                                                    previous=previous, value=m.raw[previous], whole=whole),
                           self.say("write {previous}: {whole} (a dot for the decimal point, no % sign)",
                                    previous=previous, whole=whole),
                           (f"{m.raw[previous]},{key}", whole))
                continue
            hint = suggest(key, allowed) or later("allowed keys: {keys}", keys=", ".join(allowed))
            self.error(m.key_pos[key], later("unknown key '{key}' {where}", key=key, where=where or later("here")),
                       hint)
        for key in required:
            if key not in m or m[key] is None:
                self.error(m.key_pos.get(key, m.pos), later("missing required key '{key}' {where}", key=key,
                                                            where=where or later("here")),
                           later("add '{key}:' with a value", key=key))

    def mapping(self, value: Any, pos: tuple[int, int], what: str | Text) -> YMap | None:
        if value is None:
            return None
        if not isinstance(value, YMap):
            self.error(pos, later("{what} should be a group of 'key: value' lines, not {kind}", what=what,
                                  kind=_type_name(value)),
                       later("indent the keys under it"))
            return None
        return value

    def sequence(self, m: YMap, key: str) -> YList:
        """The list under `key`; empty when it is missing or not a list (reported)."""
        value = m.get(key)
        if isinstance(value, YList):
            return value
        if value is not None:
            self.error(m.where(key), later("'{key}' should be a list, not {kind}", key=key, kind=_type_name(value)),
                       later("start each item on its own line with '- '"))
        return YList(m.where(key))

    def mappings(self, m: YMap, key: str, what: str | Text) -> list[YMap]:
        """The groups of keys listed under `key`, reporting items that are not groups."""
        items = self.sequence(m, key)
        found = (self.mapping(item, pos, what) for item, pos in zip(items, items.item_pos, strict=True))
        return [item for item in found if item is not None]

    # -- scalars ---------------------------------------------------------------------------
    def text(self, m: YMap, key: str, required: bool = False) -> str | None:
        if key not in m or m[key] is None:
            return None
        value, raw, pos = m[key], m.raw.get(key), m.where(key)
        if isinstance(value, str):
            return self.checked_text(value, key, pos)
        if raw is not None and not isinstance(value, (YMap, YList)):
            if isinstance(value, bool):
                self.error(pos, self.say("'{key}' should be text, but YAML reads {raw} as {value}", key=key, raw=raw,
                                         value=str(value).lower()),
                           self.say('put it in quotes: "{raw}"', raw=raw), (raw, f'"{raw}"'))
            else:
                self.error(pos, later("'{key}' should be text, not {kind}", key=key, kind=_type_name(value)),
                           self.say('put it in quotes: "{raw}"', raw=raw), (raw, f'"{raw}"'))
            return None
        self.error(pos, later("'{key}' should be text, not {kind}", key=key, kind=_type_name(value)),
                   later("write it on one line"))
        return None

    def _number_text(self, m: YMap, key: str, what: Text, example: str) -> tuple[str, tuple[int, int]] | None:
        """The number as typed, or None (reported) when YAML read something else there."""
        if key not in m or m[key] is None:
            return None
        value, raw, pos = m[key], m.raw.get(key), m.where(key)
        if isinstance(value, bool) or raw is None:
            self.error(pos, later("'{key}' should be {what}, not {kind}", key=key, what=what, kind=_type_name(value)),
                       later("write it in digits, e.g. '{key}: {example}'", key=key, example=example))
            return None
        return raw.strip(), pos

    def _in_range(self, pos: tuple[int, int], key: str, number: Any, text: str, minimum: Any,
                  maximum: Any, below_hint: Text) -> bool:
        if minimum is not None and number < minimum:
            self.error(pos, later("'{key}' is {text}, below {minimum}", key=key, text=text, minimum=minimum),
                       below_hint)
            return False
        if maximum is not None and number > maximum:
            self.error(pos, later("'{key}' is {text}, above the plausible maximum of {maximum}", key=key, text=text,
                                  maximum=maximum),
                       later("check the digits against the article"))
            return False
        return True

    def checked_text(self, value: str, key: str, pos: tuple[int, int]) -> str | None:
        """Text a reader will see: not empty, not huge, no invisible direction controls."""
        if not value.strip():
            self.error(pos, later("'{key}' is empty", key=key), later("write the text or remove the key"))
            return None
        if len(value) > MAX_TEXT:
            self.error(pos, later("'{key}' is {length} characters long", key=key, length=len(value)),
                       later("shorten it to at most {limit} characters", limit=MAX_TEXT))
            return None
        bidi = _BIDI_CONTROLS.search(value)
        if bidi:
            self.error(pos, later("'{key}' contains an invisible text-direction character ({code}), often left by "
                                  "copying from a web page", key=key, code=f"U+{ord(bidi.group(0)):04X}"),
                       later("retype the text, or delete and retype the characters around that spot"))
            return None
        return value.strip()

    def integer(self, m: YMap, key: str, minimum: int | None = 0, maximum: int | None = None,
                what: Text | None = None) -> int | None:
        what = what or later("a whole number")
        found = self._number_text(m, key, what, "85")
        if found is None:
            return None
        text, pos = found
        if _INT.fullmatch(text):
            number = int(text, 10)  # decimal even with a leading zero ("05" as in "05/85")
        elif _VI_THOUSANDS.fullmatch(text):
            plain = re.sub(r"[.,]", "", text)
            self.error(pos, self.say("'{key}: {text}' is written with a thousands separator, which YAML reads as a "
                                     "decimal fraction or as text", key=key, text=text),
                       self.say("write {plain} (digits only)", plain=plain), (text, plain))
            return None
        else:
            self.error(pos, later("'{key}' should be {what}, not '{text}'", key=key, what=what, text=text),
                       later("write it in plain digits, e.g. 85 (no separators, no units)"))
            return None
        below = later("counts cannot be negative") if minimum == 0 else later("use at least {minimum}", minimum=minimum)
        return number if self._in_range(pos, key, number, str(number), minimum, maximum, below) else None

    def decimal(self, m: YMap, key: str, minimum: Decimal | None = Decimal(0),
                maximum: Decimal | None = None) -> Decimal | None:
        found = self._number_text(m, key, later("a number"), "92.94")
        if found is None:
            return None
        text, pos = found
        if _DEC.fullmatch(text):
            number = Decimal(text)
        elif _VI_DECIMAL.fullmatch(text) or text.endswith("%"):
            plain = text.rstrip("%").strip()
            if "," in plain:  # Vietnamese: "." groups thousands, "," marks decimals
                plain = plain.replace(".", "").replace(",", ".")
            self.error(pos, self.say("'{key}: {text}' is written the Vietnamese way", key=key, text=text),
                       self.say("write {plain} (a dot for the decimal point, no % sign)", plain=plain), (text, plain))
            return None
        else:
            self.error(pos, later("'{key}' should be a number, not '{text}'", key=key, text=text),
                       later("write it in digits with a dot for decimals, e.g. '{key}: 92.94'", key=key))
            return None
        return number if self._in_range(pos, key, number, text, minimum, maximum, later("check the sign")) else None

    def boolean(self, m: YMap, key: str) -> bool | None:
        if key not in m or m[key] is None:
            return None
        value, raw = m[key], m.raw.get(key)
        if isinstance(value, bool) and raw in ("true", "false"):
            return value
        shown = raw if raw is not None else self.say(_type_name(value))
        self.error(m.where(key), self.say("'{key}' should be true or false, not '{shown}'", key=key, shown=shown),
                   self.say("write true or false"))
        return None

    def choice(self, m: YMap, key: str, choices: Sequence[Choice]) -> Choice | None:
        if key not in m or m[key] is None:
            return None
        raw = m.raw.get(key)
        value = raw if raw is not None else m[key]
        if isinstance(value, str) and value in choices:
            return choices[choices.index(value)]  # typed as one of the choices
        shown = raw if raw is not None else self.say(_type_name(m[key]))
        hint = suggest(str(shown), choices) or later("use one of: {choices}", choices=", ".join(choices))
        self.error(m.where(key), later("'{key}' cannot be '{shown}'", key=key, shown=shown), hint)
        return None

    def date(self, m: YMap, key: str, partial: bool = False) -> dt.date | PartialDate | None:
        if key not in m or m[key] is None:
            return None
        value, raw, pos = m[key], (m.raw.get(key) or ""), m.where(key)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = raw.strip()
        found = _PARTIAL_DATE.fullmatch(text)
        if found and partial:
            month = int(found.group(2)) if found.group(2) else None
            if month is None or 1 <= month <= 12:
                return PartialDate(int(found.group(1)), month)
        dmy = _DMY.fullmatch(text)
        if dmy:
            day, month, year = (int(g) for g in dmy.groups())
            iso = f"{year:04d}-{month:02d}-{day:02d}"
            self.error(pos, self.say("'{key}: {text}' is written day/month/year", key=key, text=text),
                       self.say("write dates as year-month-day: {iso}", iso=iso), (text, iso))
            return None
        hint = (later("write it as YYYY-MM-DD, e.g. 2023-02-14 (or just YYYY-MM / YYYY when the source gives no day)")
                if partial else later("write it as YYYY-MM-DD, e.g. 2023-02-14"))
        self.error(pos, later("'{key}' should be a date, not '{text}'", key=key, text=text or _type_name(value)), hint)
        return None

    def url(self, m: YMap, key: str) -> str | None:
        text = self.text(m, key)
        if text is None:
            return None
        if not re.match(r"https?://[^\s/]+\.[^\s]+$", text, re.IGNORECASE) or any(c in text for c in '"<> '):
            self.error(m.where(key), later("'{key}' is not a web address: '{text}'", key=key, text=text[:80]),
                       later("copy the full address of the article, starting with http:// or https://"))
            return None
        return text

    def slug(self, m: YMap, key: str) -> str | None:
        text = self.text(m, key)
        if text is None:
            return None
        if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", text):
            self.error(m.where(key), later("'{key}: {text}' is not a valid id", key=key, text=text[:60]),
                       later("use lowercase letters without diacritics, digits and single hyphens, e.g. tra-vinh"))
            return None
        return text
