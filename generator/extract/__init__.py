"""`generator extract`: draft a record from a newspaper article, its text or its web address.

The article is read sentence by sentence and clause by clause (clauses end at ";") with the named
rules of rules.yaml. A figure is reported only when its clause names what is counted, at which
level, for the bloc itself; every other number is listed with the reason it was left out, and every
conclusion the article does not state outright carries a `CHECK:` for the person reviewing.

Modules: text (sentences, SOURCE line, cut-off text), numbers (Vietnamese number formats), rules
(named compiled patterns), who (province, committee, year, period, whose report), ratings,
admissions (with totals, targets, awards), core (the whole article), output (YAML and JSON),
fetch (a web page's main text and metadata).
"""
from generator.extract.core import Overrides, extract
from generator.extract.draft import Draft, Report, figures, level_figures, write_path
from generator.extract.output import to_json, to_yaml
from generator.extract.rules import Rules

__all__ = ["Draft", "Overrides", "Report", "Rules", "extract", "figures", "level_figures", "to_json", "to_yaml",
           "write_path"]
