"""Content pages: content/pages/*.md, Markdown with tables, footnotes and a table of contents.

Raw HTML in a page passes through only when site.yaml says `allow_raw_html: true`; otherwise the
rendered HTML is cleaned by nh3 (a maintained sanitiser), keeping what Markdown itself produces.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as etree

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from generator.i18n import later
from generator.load import yamlfile
from generator.load.reader import Reader
from generator.load.yamlfile import YMap
from generator.model.problems import Problems

PAGES_DIR = "content/pages"
# Addresses the build itself makes at the top of the site: a content page may not take one of them.
RESERVED_SLUGS = frozenset(("provinces", "years", "indicators", "en", "data", "search", "embed", "static",
                            "feed", "sitemap", "robots", "livereload"))
MAX_ORDER = 100_000
_FORBIDDEN_BODY = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
FRONT_KEYS = ("title", "description", "date", "order")
_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)
ALLOWED_TAGS = {"a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl", "dt",
                "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "s", "span",
                "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"}
ALLOWED_ATTRIBUTES = {"*": {"id", "class", "title"}, "a": {"href"}, "th": {"scope", "align", "colspan", "rowspan"},
                      "td": {"align", "colspan", "rowspan"}, "abbr": {"title"}}


class _TableCaptions(Treeprocessor):
    """Give every table a caption: a paragraph "Bảng: …" right before it, else the section heading."""

    def run(self, root: etree.Element) -> None:
        heading = ""
        children = list(root)
        for i, el in enumerate(children):
            if el.tag in ("h1", "h2", "h3", "h4"):
                heading = "".join(el.itertext())
            if el.tag != "table":
                continue
            caption = etree.Element("caption")
            previous = children[i - 1] if i else None
            if previous is not None and previous.tag == "p" and (previous.text or "").startswith("Bảng:"):
                caption.text = (previous.text or "")[len("Bảng:"):].strip()
                root.remove(previous)
            else:
                caption.text = heading
            el.insert(0, caption)


class _CaptionExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API name
        md.treeprocessors.register(_TableCaptions(md), "table_captions", 5)


@dataclass(frozen=True)
class ContentPage:
    slug: str
    title: str
    description: str
    html: str
    toc: str
    date: dt.date | None = None
    order: int = 100
    lang: str = "vi"  # about.md is Vietnamese; about.en.md its English version


def for_language(pages: list[ContentPage], lang: str) -> list[ContentPage]:
    """The pages of one edition: its own versions, else the Vietnamese page (shown as written)."""
    own = {p.slug: p for p in pages if p.lang == lang}
    return sorted((own.get(p.slug, p) for p in pages if p.lang == "vi"), key=lambda p: (p.order, p.slug))


def render_markdown(text: str, allow_raw_html: bool) -> tuple[str, str]:
    md = markdown.Markdown(extensions=["tables", "footnotes", "toc", "sane_lists", _CaptionExtension()],
                           extension_configs={"toc": {"permalink": False, "toc_depth": "2-3"}})
    html = md.convert(text)
    toc = getattr(md, "toc", "")
    if not allow_raw_html:
        html = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                         url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")
        toc = nh3.clean(toc, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=set())
    return html, toc


def _good_name(r: Reader, file: Path, slug: str, lang: str) -> bool:
    """A page's file name must make a valid address that no generated section already uses."""
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug) or lang not in ("vi", "en"):
        r.error((1, 1), later("the page file name '{name}' is not a valid address", name=yamlfile.visible(file.name)),
                later("name it with lowercase letters, digits and hyphens, e.g. methodology.md "
                      "(and methodology.en.md for its English version)"))
        return False
    if slug in RESERVED_SLUGS:
        r.error((1, 1), later("the page address /{slug}/ is already used by the portal's own '{slug}' section",
                              slug=slug),
                later("rename the file, e.g. {example}", example=f"about-{slug}.md"))
        return False
    return True


def _check_body(r: Reader, text: str, start: int) -> None:
    """Control and direction characters in the Markdown body, reported at their line (by code)."""
    found = _FORBIDDEN_BODY.search(text, start)
    if found is None:
        return
    line = text.count("\n", 0, found.start()) + 1
    column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
    r.error((line, column), later("the text contains an invisible control character ({code})",
                                  code=f"U+{ord(found.group(0)):04X}"),
            later("retype the text, or delete and retype the characters around that spot"))


def load_pages(root: Path, allow_raw_html: bool, problems: Problems) -> list[ContentPage]:
    pages = []
    base = root / PAGES_DIR
    for file in sorted(base.glob("*.md")) if base.is_dir() else []:
        display = file.relative_to(root).as_posix()
        data = yamlfile.read_input(file, display, problems)
        text = yamlfile.decode(data, display, problems) if data is not None else None
        if text is None:
            continue
        text = text.replace("\r\n", "\n")
        front: YMap = YMap((1, 1))
        match = _FRONT.match(text)
        if match:
            # a blank line stands in for the opening --- so that lines are counted as in the file
            loaded = yamlfile.loads("\n" + match.group(1), display, problems)
            front = loaded if isinstance(loaded, YMap) else front
            body = text[match.end():]
        else:
            body = text
        r = Reader(display, problems)
        r.keys(front, FRONT_KEYS, ("title",), later("in the page's front matter (between the --- lines)"))
        slug, _, lang = file.stem.partition(".")
        lang = lang or "vi"
        if not _good_name(r, file, slug, lang):
            continue
        _check_body(r, text, len(text) - len(body))
        title = r.text(front, "title")
        if not title:
            continue
        date = r.date(front, "date")
        html, toc = render_markdown(body, allow_raw_html)
        pages.append(ContentPage(slug, title, r.text(front, "description") or "", html, toc,
                                 date if isinstance(date, dt.date) else None,
                                 r.integer(front, "order", -MAX_ORDER, MAX_ORDER) or 100, lang))
    return sorted(pages, key=lambda p: (p.order, p.slug))
