"""The phrase rules of rules.yaml, compiled once into named patterns.

A rule is read by its name (`rules.rx("admission.verb")`) or, for an ordered table such as the
rating levels, as `(name, pattern)` pairs (`rules.table("levels")`). `Rules.load(held_out=…)` leaves
out every alternative written only for the held-out articles: that is how the scoring script
measures the rules on wording they were not written for.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.i18n import Text, later

RULES_FILE = Path(__file__).with_name("rules.yaml")
GENERAL = "general"
_NEVER = re.compile(r"(?!x)x")


class RuleError(Exception):
    """A mistake in rules.yaml, located and explained for the person editing it (translated when printed)."""

    def __init__(self, text: Text):
        super().__init__(text)
        self.text = text


@dataclass(frozen=True)
class Alternative:
    pattern: str
    sources: frozenset[str]  # {"general"}, the articles that motivated it, or both (see `kept`)

    def kept(self, held_out: frozenset[str], strict: bool = False) -> bool:
        """Kept unless written only for held-out articles.

        "general 10 12" is general vocabulary first noticed in articles 10 and 12: general by default,
        but `strict` counts it as theirs, so the score can be measured without that judgement.
        """
        articles = self.sources - {GENERAL}
        if GENERAL in self.sources and not (strict and articles):
            return True
        return not articles <= held_out


@dataclass(frozen=True)
class Rules:
    """Compiled patterns by dotted name ("levels.good", "admission.verb", "rated")."""

    patterns: dict[str, re.Pattern[str]]
    tables: dict[str, tuple[tuple[str, re.Pattern[str]], ...]]
    tags: frozenset[str]  # every article named in a `from`

    def rx(self, name: str) -> re.Pattern[str]:
        try:
            return self.patterns[name]
        except KeyError:
            raise RuleError(later("{file}: error: no rule named '{name}'; known rules: {known}", file=RULES_FILE.name,
                                  name=name, known=", ".join(sorted(self.patterns)))) from None

    def table(self, name: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
        try:
            return self.tables[name]
        except KeyError:
            raise RuleError(later("{file}: error: no table named '{name}'", file=RULES_FILE.name, name=name)) from None

    @classmethod
    def load(cls, held_out: frozenset[str] = frozenset(), path: Path = RULES_FILE, strict: bool = False) -> Rules:
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
        alternatives: dict[str, list[Alternative]] = {}
        _collect(data, "", alternatives, path)
        patterns = {name: _compile(alts, held_out, strict, name, path) for name, alts in alternatives.items()}
        tables: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
        for name, pattern in patterns.items():
            parent, _, leaf = name.rpartition(".")
            if parent:
                tables.setdefault(parent, []).append((leaf, pattern))
        tags = frozenset(t for alts in alternatives.values() for a in alts for t in a.sources) - {GENERAL}
        return cls(patterns, {k: tuple(v) for k, v in tables.items()}, tags)


def _collect(node: Any, prefix: str, out: dict[str, list[Alternative]], path: Path) -> None:
    """Walk the file: a mapping holds named rules, a list is one rule's alternatives."""
    if isinstance(node, dict):
        for key, value in node.items():
            _collect(value, f"{prefix}.{key}" if prefix else str(key), out, path)
        return
    if not isinstance(node, list) or not node:
        raise RuleError(later("{file}: error: rule '{name}' should be a list of [pattern, from] pairs", file=path.name,
                              name=prefix))
    out[prefix] = [_alternative(item, prefix, path) for item in node]


def _alternative(item: Any, name: str, path: Path) -> Alternative:
    if not (isinstance(item, list) and len(item) == 2 and all(isinstance(x, str) for x in item)):
        raise RuleError(later("{file}: error: in rule '{name}', {item} should be [pattern, from], e.g. {example}",
                              file=path.name, name=name, item=repr(item),
                              example="['hoan thanh tot nhiem vu', general]"))
    return Alternative(item[0], frozenset(item[1].split()))


def _compile(alts: list[Alternative], held_out: frozenset[str], strict: bool, name: str,
             path: Path) -> re.Pattern[str]:
    kept = [a.pattern for a in alts if a.kept(held_out, strict)]
    if not kept:
        return _NEVER
    try:
        return re.compile("|".join(f"(?:{p})" for p in kept))
    except re.error as exc:
        raise RuleError(later("{file}: error: rule '{name}' is not a valid pattern ({problem}); check its brackets "
                              "and backslashes", file=path.name, name=name, problem=exc)) from None
