"""Load the province and committee registries (content/provinces.yaml, content/committees.yaml)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.i18n import later
from generator.load import yamlfile
from generator.load.reader import Reader, suggest
from generator.load.yamlfile import YList, YMap
from generator.model.problems import Problems
from generator.model.types import (
    COMMITTEE_KINDS,
    PROVINCE_TYPES,
    Committee,
    CommitteeName,
    Era,
    PartialDate,
    Province,
    Registry,
)

ERAS: dict[str, Era] = {"before_2025_07_01": "old", "from_2025_07_01": "new"}  # registry key -> era
PROVINCE_KEYS = ("slug", "name", "type", "iso_3166_2", "gso_code", "region", "region_en",
                 "merged_into", "merged_from", "became", "became_on")
COMMITTEE_KEYS = ("id", "kind", "names", "abbreviation", "from", "to", "ended", "predecessors",
                  "successors", "note")


def _slugs(r: Reader, m: YMap, key: str) -> tuple[str, ...]:
    items = r.sequence(m, key)
    good = []
    for item, raw, pos in zip(items, items.raw, items.item_pos, strict=True):
        if isinstance(item, str) and raw is not None:
            good.append(item)
        else:
            r.error(pos, later("each item of '{key}' should be an id", key=key), later("write ids like tra-vinh"))
    return tuple(good)


def _province(r: Reader, m: YMap, era: Era) -> Province | None:
    r.keys(m, PROVINCE_KEYS, ("slug", "name", "type"), later("in a province"))
    slug, name = r.slug(m, "slug"), r.text(m, "name")
    kind = r.choice(m, "type", PROVINCE_TYPES)
    if not (slug and name and kind):
        return None
    return Province(
        slug=slug, name=name, era=era, type=kind,
        iso_3166_2=r.text(m, "iso_3166_2"), gso_code=r.text(m, "gso_code"),
        region=r.text(m, "region"), region_en=r.text(m, "region_en"),
        merged_into=r.slug(m, "merged_into"), merged_from=_slugs(r, m, "merged_from"),
        **_became(r, m))


def _became(r: Reader, m: YMap) -> dict[str, Any]:
    """A change of type before the merger (Thừa Thiên Huế: a municipality from 1 January 2025)."""
    became = r.choice(m, "became", PROVINCE_TYPES)
    on = r.date(m, "became_on")
    if (became is None) != (on is None) or isinstance(on, PartialDate):
        r.error(m.pos, later("'became' and 'became_on' go together, with a full date"),
                later("e.g. 'became: municipality' and 'became_on: 2025-01-01'"))
        return {}
    return {"became": became, "became_on": on}


def _load_provinces(root: Path, problems: Problems) -> dict[str, Province]:
    display = "content/provinces.yaml"
    data = yamlfile.load(root / display, display, problems)
    r = Reader(display, problems)
    provinces: dict[str, Province] = {}
    if not isinstance(data, YMap):
        if data is not None:
            r.error((1, 1), later("the province registry should be a group of keys"),
                    later("start with 'before_2025_07_01:' and 'from_2025_07_01:'"))
        return provinces
    r.keys(data, tuple(ERAS), tuple(ERAS), later("in the province registry"))
    lines: dict[str, tuple[int, int]] = {}  # where each unit says what it merged into
    for key, era in ERAS.items():
        for m in r.mappings(data, key, later("a province")):
            p = _province(r, m, era)
            if p is None:
                continue
            if f"{era}:{p.slug}" in provinces:
                r.error(m.pos, later("province '{slug}' is listed twice", slug=p.slug), later("keep one entry"))
            provinces[f"{era}:{p.slug}"] = p
            lines[f"{era}:{p.slug}"] = m.where("merged_into")
    for key, p in provinces.items():  # lineage must agree both ways
        if p.era == "old" and p.merged_into:
            new = provinces.get(f"new:{p.merged_into}")
            if new is None or p.slug not in new.merged_from:
                r.error(lines[key], later("'{slug}' says it merged into '{new}', but that unit does not list it in "
                                          "merged_from", slug=p.slug, new=p.merged_into),
                        later("make the two lists agree"))
    return provinces


def _committee(r: Reader, m: YMap, province: str) -> Committee | None:
    r.keys(m, COMMITTEE_KEYS, ("id", "kind", "names"), later("in a committee"))
    cid = r.slug(m, "id")
    kind = r.choice(m, "kind", COMMITTEE_KINDS)
    names: list[CommitteeName] = []
    for nm in r.mappings(m, "names", later("a name")):
        r.keys(nm, ("name", "from", "to"), ("name",), later("in a committee name"))
        text = r.text(nm, "name")
        if text:
            names.append(CommitteeName(text, r.integer(nm, "from", 1930, 2100), r.integer(nm, "to", 1930, 2100)))
    if isinstance(m.get("names"), list) and not m["names"]:
        r.error(m.where("names"), later("'{key}' is empty", key="names"),
                later("give the committee's name: - name: Đảng bộ Khối …"))
    if not (cid and kind and names):
        return None
    ended = r.date(m, "ended", partial=True)
    return Committee(
        province=province, id=cid, kind=kind, names=tuple(names),
        abbreviation=r.text(m, "abbreviation"),
        from_year=r.integer(m, "from", 1930, 2100), to_year=r.integer(m, "to", 1930, 2100),
        ended=ended,
        predecessors=_slugs(r, m, "predecessors"), successors=_slugs(r, m, "successors"),
        note=r.text(m, "note"))


def _load_committees(root: Path, provinces: dict[str, Province],
                     problems: Problems) -> dict[tuple[str, str], Committee]:
    display = "content/committees.yaml"
    data = yamlfile.load(root / display, display, problems)
    r = Reader(display, problems)
    committees: dict[tuple[str, str], Committee] = {}
    if not isinstance(data, YMap):
        if data is not None:
            r.error((1, 1), later("the committee registry should be a group of keys, one per province"),
                    later("start each group with a province slug and a colon, e.g. 'tra-vinh:'"))
        return committees
    where: dict[tuple[str, str], YMap] = {}
    known = {p.slug for p in provinces.values()}
    for slug in data:
        if slug not in known:
            hint = suggest(slug, known) or later("use a slug from content/provinces.yaml")
            r.error(data.key_pos[slug], later("unknown province '{slug}'", slug=slug), hint)
            continue
        for m in r.mappings(data, slug, later("a committee")):
            c = _committee(r, m, slug)
            if c is None:
                continue
            if c.key in committees:
                r.error(m.pos, later("committee '{id}' is listed twice for '{slug}'", id=c.id, slug=slug),
                        later("keep one entry"))
            committees[c.key] = c
            where[c.key] = m
    for c in committees.values():
        _check_links(r, c, where[c.key], committees)
    return committees


def _check_links(r: Reader, c: Committee, m: YMap, committees: dict[tuple[str, str], Committee]) -> None:
    """Predecessors and successors must be committees of this file, reported at the item's line."""
    for key in ("predecessors", "successors"):
        items = m.get(key)
        if not isinstance(items, YList):
            continue
        for link, pos in zip(items, items.item_pos, strict=False):
            if not isinstance(link, str):
                continue
            target = tuple(link.split("/", 1)) if "/" in link else (c.province, link)
            if target not in committees:
                r.error(pos, later("committee '{committee}' links to unknown committee '{link}'",
                                   committee=f"{c.province}/{c.id}", link=link),
                        later("use an id listed in this file (or province/id for another province)"))


def load(root: Path, problems: Problems) -> Registry:
    provinces = _load_provinces(root, problems)
    return Registry(provinces, _load_committees(root, provinces, problems))
