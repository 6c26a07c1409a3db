"""Problems found in a site's input, reported as `file:line:col: level: what; what would be right`.

Every stage collects problems instead of stopping at the first one, so a maintainer sees everything
that needs fixing in one run.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Literal

from generator.i18n import Messages, Text, messages

Severity = Literal["error", "warning"]  # warnings fail a build only with --strict
ERROR: Severity = "error"
WARNING: Severity = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    column: int
    level: Severity
    message: str
    hint: str = ""
    # a literal fix the hint proposes: replace `old` by `new` on the problem's line ("" when none)
    old: str = ""
    new: str = ""
    # the message and hint to translate, for a problem made where the run's language is not known
    # (rendering in worker processes, the link check): `Problems.extend` translates them
    texts: tuple[Text, Text] | None = field(default=None, compare=False)

    @classmethod
    def deferred(cls, path: str, line: int, column: int, level: Severity, message: Text, hint: Text) -> Problem:
        return cls(path, line, column, level, str(message), str(hint), texts=(message, hint))

    def __str__(self) -> str:
        where = self.path
        if self.line:
            where += f":{self.line}:{self.column or 1}"
        text = f"{where}: {self.level}: {self.message}"
        return f"{text}; {self.hint}" if self.hint else text

    def shown(self, say: Messages) -> str:
        """The problem as printed, with the level word in the maintainers' language."""
        text = str(self)
        if say.lang == "en":
            return text
        word = say("error") if self.level == ERROR else say("warning")
        return text.replace(f": {self.level}: ", f": {word}: ", 1)


@dataclass
class Problems:
    """An ordered collection of problems for one run."""

    items: list[Problem] = field(default_factory=list)
    say: Messages = field(default_factory=lambda: messages("en"))  # the language problems are written in

    def add(self, path: str, line: int, column: int, message: str | Text, hint: str | Text = "",
            level: Severity = ERROR, fix: tuple[str, str] = ("", "")) -> None:
        """Record a problem; a `Text` message or hint is translated here, in the run's language."""
        shown = [self.say(t) if isinstance(t, Text) else t for t in (message, hint)]
        self.items.append(Problem(path, line, column, level, shown[0], shown[1], *fix))

    def extend(self, other: Iterable[Problem]) -> None:
        self.items.extend(replace(p, message=self.say(p.texts[0]), hint=self.say(p.texts[1]), texts=None)
                          if p.texts else p for p in other)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.level == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.level == WARNING]

    def sorted(self) -> list[Problem]:
        return sorted(set(self.items))

    def __bool__(self) -> bool:
        return bool(self.items)

