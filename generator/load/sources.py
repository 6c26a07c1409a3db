"""Read content/sources.yaml: every article the portal has read, with the records it gave or why none.

The list is checked against the records: each record it names must exist and be named once.
"""
from __future__ import annotations

from pathlib import Path

from generator.i18n import later
from generator.load import yamlfile
from generator.load.reader import Reader, suggest
from generator.load.yamlfile import YMap
from generator.model.problems import WARNING, Problems
from generator.model.types import Record, Registry, ReviewedArticle

SOURCES_FILE = "content/sources.yaml"
REASONS = ("province_wide", "province_not_named", "no_bloc_figures")
USED_KEYS = ("id", "records", "note")
UNUSED_KEYS = ("id", "not_used", "title", "title_reconstructed", "url", "publisher", "published",
               "province", "note")


def _refs(r: Reader, m: YMap) -> tuple[str, ...]:
    items = r.sequence(m, "records")
    refs = []
    for item, pos in zip(items, items.item_pos, strict=True):
        if isinstance(item, str) and item.count("/") == 2:
            refs.append(item)
        else:
            r.error(pos, later("each item of 'records' should name a record as province/committee/year"),
                    later("e.g. tra-vinh/khoi-co-quan-va-doanh-nghiep/2022 (its place under content/records)"))
    return tuple(refs)


def _article(r: Reader, m: YMap) -> ReviewedArticle | None:
    used = "records" in m
    if used == ("not_used" in m):
        r.error(m.pos, later("an article needs either 'records' or 'not_used'"),
                later("list the records it gave, or say why it gave none: {reasons}", reasons=", ".join(REASONS)))
        return None
    r.keys(m, USED_KEYS if used else UNUSED_KEYS, ("id", "records") if used else ("id", "not_used", "title", "note"),
           later("in an article"))
    aid = r.text(m, "id")
    if aid is None:
        return None
    if used:
        return ReviewedArticle(aid, records=_refs(r, m), note=r.text(m, "note"), line=m.pos[0], column=m.pos[1])
    published = r.date(m, "published", partial=True)
    return ReviewedArticle(
        aid, not_used=r.choice(m, "not_used", REASONS), title=r.text(m, "title"), url=r.url(m, "url"),
        publisher=r.text(m, "publisher"), published=published, province=r.slug(m, "province"),
        note=r.text(m, "note"), title_reconstructed=bool(r.boolean(m, "title_reconstructed")),
        line=m.pos[0], column=m.pos[1])


def load(root: Path, problems: Problems) -> tuple[ReviewedArticle, ...]:
    """The articles in content/sources.yaml; none when the site keeps no such list."""
    if not (root / SOURCES_FILE).is_file():
        return ()
    data = yamlfile.load(root / SOURCES_FILE, SOURCES_FILE, problems)
    r = Reader(SOURCES_FILE, problems)
    if not isinstance(data, YMap):
        r.error((1, 1), later("the list of articles should start with 'articles:'"), later("see {doc}",
                                                                                           doc="docs/data-format.md"))
        return ()
    r.keys(data, ("articles",), ("articles",), later("in the list of articles"))
    articles: list[ReviewedArticle] = []
    for m in r.mappings(data, "articles", later("an article")):
        article = _article(r, m)
        if article is None:
            continue
        if any(a.id == article.id for a in articles):
            r.error(m.pos, later("the article '{id}' is listed twice", id=article.id), later("keep one entry"))
        articles.append(article)
    return tuple(articles)


def check(articles: tuple[ReviewedArticle, ...], records: list[Record], registry: Registry,
          problems: Problems) -> None:
    """Every named record exists and is named once. A record no article names is still listed on the
    sources page, by its own source; the project's tests require the reference records to be named."""
    if not articles:
        return
    by_ref = {rec.ref: rec for rec in records}
    named: dict[str, str] = {}
    for a in articles:
        for ref in a.records:
            if ref not in by_ref:
                problems.add(SOURCES_FILE, a.line, a.column,
                             later("article '{id}' names no record '{ref}'", id=a.id, ref=ref),
                             suggest(ref, list(by_ref)) or later("add {path} or correct the name",
                                                                 path=f"content/records/{ref}.yaml"),
                             level=WARNING)  # the page still lists the article, without that record
            elif ref in named:
                problems.add(SOURCES_FILE, a.line, a.column,
                             later("the record '{ref}' is named by '{first}' and '{second}'", ref=ref, first=named[ref],
                                   second=a.id), later("a record comes from one article: name it once"))
            named.setdefault(ref, a.id)
        if a.province and registry.province(a.province) is None:
            problems.add(SOURCES_FILE, a.line, a.column, later("unknown province '{slug}'", slug=a.province),
                         suggest(a.province, registry.slugs()) or later("use a slug from content/provinces.yaml"))
