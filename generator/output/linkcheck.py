"""Check that every internal link, script, stylesheet and download in the output resolves.

Pages are checked as they stream past (`Links.add`): only each page's links and ids are kept, never
its HTML, so a national build does not hold its output in memory to check it.
"""
from __future__ import annotations

import re
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import unquote, urljoin, urlsplit

from generator.hashing import digest
from generator.i18n import Text, later
from generator.model.problems import ERROR, Problem, Severity

Target = tuple[str, str, str]  # (kind, path, fragment)
Link = tuple[int, str, Target]  # line in the page, as written, where it leads


@dataclass(frozen=True, slots=True)
class Parsed:
    """A page's internal links and its ids. The links are kept column by column, their texts and
    targets shared with other pages' (see `Seen`): every page's are kept until the end of a build,
    and by `serve` and the cache between builds, a few hundred thousand at national scale."""

    lines: array[int]
    written: tuple[str, ...]
    targets: tuple[Target, ...]
    ids: frozenset[str]

    def links(self) -> Iterator[Link]:
        return zip(self.lines, self.written, self.targets, strict=True)


@dataclass
class Answer:
    """What a whole check found: its level, every file's name, each page as parsed then, and each page's
    problems (a page's own: a link is broken or not whatever page it is on)."""

    level: Severity
    names: frozenset[str]
    pages: dict[str, Parsed]
    found: dict[str, list[Problem]]


@dataclass
class LinkCache:
    """Kept between builds: each page's parsed links, and the last check's answer."""

    pages: dict[str, tuple[str, Parsed]] = field(default_factory=dict)  # output path -> (bytes' digest, parsed)
    answer: Answer | None = None


# The output is written by our own templates, so attributes are always double-quoted: a regular
# expression finds them far faster than an HTML parser on a national build's many megabytes.
# A link is the href of an <a> or <link>, or the src of a <script> or <img>: one pass finds each. Tag
# names in capitals are rare (a site's own template may have them), and looking for them costs twice
# as much: a page is searched for them only when it has a tag in capitals.
_LINK_WORDS = r'<(?:a|link)\b[^>]*?\shref="([^"]*)"|<(?:script|img)\b[^>]*?\ssrc="([^"]*)"'
_LINK = re.compile(_LINK_WORDS)
_LINK_ANY_CASE = re.compile(_LINK_WORDS, re.IGNORECASE)
_CAPITAL_TAG = re.compile(r"</?[A-Z]")
_ID = re.compile(r'id="([^"]*)"')  # a whole attribute when after a space (see `_ids`): far faster than \sid=


def _parse(html: str) -> tuple[list[tuple[int, str]], frozenset[str]]:
    """(line, link) for each link, and the page's ids. Lines are counted once, in page order."""
    links = []
    line, counted = 1, 0
    for found in (_LINK_ANY_CASE if _CAPITAL_TAG.search(html) else _LINK).finditer(html):
        start = found.start()
        line += html.count("\n", counted, start)
        counted = start
        link = found.group(1) if found.group(1) is not None else found.group(2)
        links.append((line, unescape(link) if "&" in link else link))
    return links, _ids(html)


def _ids(html: str) -> frozenset[str]:
    found = (m.group(1) for m in _ID.finditer(html) if m.start() > 0 and html[m.start() - 1].isspace())
    return frozenset(unescape(i) if "&" in i else i for i in found)


def _target(files: set[str], path: str) -> str | None:
    """The output file a site path resolves to, as a static host would serve it."""
    key = path.lstrip("/")
    if key == "" or key.endswith("/"):
        key += "index.html"
    if key in files:
        return key
    if key + "/index.html" in files:
        return key + "/index.html"
    return None


def _resolve(page: str, base_path: str, link: str) -> Target | None:
    """(kind, path, fragment) of an internal link; None for external ones."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or link.startswith(("mailto:", "data:")):
        return None
    if not parts.path:
        return ("anchor", "", parts.fragment)
    page_url = base_path + (page[: -len("index.html")] if page.endswith("index.html") else page)
    path = unquote(urlsplit(urljoin(page_url, link)).path)  # relative links resolve from the page
    if not path.startswith(base_path):
        return ("outside", path, parts.fragment)
    return ("inside", path[len(base_path):], parts.fragment)


@dataclass
class Seen:
    """What the pages of one base path have in common, kept once: a national build's pages hold a few
    hundred thousand links, mostly alike, and many pages (the two editions of a page, the embeds) the
    same ids."""

    # link (with its page when relative) -> the link's first text and `_resolve`'s answer: every page that
    # has the link keeps that one text
    links: dict[object, tuple[str, Target | None]] = field(default_factory=dict)
    ids: dict[frozenset[str], frozenset[str]] = field(default_factory=dict)  # a page's ids -> the first equal set


def parse(name: str, data: bytes, base_path: str, seen: Seen | None = None) -> Parsed:
    """A page's internal links, resolved, and its ids; `seen`: what earlier pages of the same base path
    had in common with it."""
    links, ids = _parse(data.decode("utf-8"))
    seen = Seen() if seen is None else seen
    memo = seen.links
    ids = seen.ids.setdefault(ids, ids)
    lines, written, targets = array("L"), [], []
    for line, link in links:
        if link.startswith(("https://", "http://")):
            continue  # external: the most common kind, known without parsing it
        # A bare #fragment, an address from the root or another host's resolves the same from every page.
        key: object = link if link.startswith(("#", "/")) else (name, link)
        if key not in memo:
            memo[key] = (link, _resolve(name, base_path, link))
        text, target = memo[key]
        if target is not None:
            lines.append(line)
            written.append(text)
            targets.append(target)
    return Parsed(lines, tuple(written), tuple(targets), ids)


@dataclass
class Links:
    """What the link check keeps of the output as it is written: every file's name, and each page's
    links and ids. With a cache, a page whose bytes did not change is not parsed again."""

    base_path: str
    cache: LinkCache | None = None
    names: set[str] = field(default_factory=set)
    pages: dict[str, Parsed] = field(default_factory=dict)
    seen: Seen = field(default_factory=Seen)

    def _key(self, made: str) -> str:
        return f"{self.base_path}\0{made}"  # links resolve against the base path

    def add(self, name: str, data: bytes, made: str | None = None) -> None:
        """A file of the output as it is written, with the digest of its bytes (`made`) when known."""
        self.names.add(name)
        if not name.endswith(".html"):
            return
        key = self._key(made or digest(data))
        hit = self.cache.pages.get(name) if self.cache is not None else None
        if hit is None or hit[0] != key:
            hit = (key, parse(name, data, self.base_path, self.seen))
            if self.cache is not None:
                self.cache.pages[name] = hit
        self.pages[name] = hit[1]

    def known(self, name: str, made: str) -> bool:
        """Whether the links of the page `name` with bytes of digest `made` were kept."""
        hit = self.cache.pages.get(name) if self.cache is not None else None
        return hit is not None and hit[0] == self._key(made)

    def add_known(self, name: str) -> bool:
        """A page whose links were kept (see `known`), taken unchanged from the last output."""
        assert self.cache is not None
        self.names.add(name)
        self.pages[name] = self.cache.pages[name][1]
        return True

    def forget_others(self) -> None:
        """Drop from the cache the pages this build did not write."""
        if self.cache is not None:
            for gone in set(self.cache.pages) - set(self.pages):
                del self.cache.pages[gone]

    def problems(self, level: Severity = ERROR) -> list[Problem]:
        """Problems for links that do not resolve, in page order. With a cache, when the files are the
        ones the last check saw and no page's ids changed, only the pages whose links changed are
        checked again: every other page's answer is the same (`serve` checks after every edit)."""
        last = self.cache.answer if self.cache is not None else None
        again = self._changed_since(last, level) if last is not None else None
        found: dict[str, list[Problem]] = {}
        whole: set[Target] = set()  # targets found to resolve: most pages share most links
        for name, parsed in sorted(self.pages.items()):
            if again is not None and last is not None and name not in again:
                found[name] = last.found[name]
                continue
            found[name] = mine = []
            for link in parsed.links():
                if link[2] in whole:
                    continue
                broken = self._broken(link, parsed.ids)
                if broken is not None:
                    mine.append(Problem.deferred(f"output/{name}", link[0], 1, level, *broken))
                elif link[2][0] != "anchor":  # an anchor resolves on its own page only
                    whole.add(link[2])
        if self.cache is not None:
            self.cache.answer = Answer(level, frozenset(self.names), dict(self.pages), found)
        return [problem for page in found.values() for problem in page]

    def _changed_since(self, last: Answer, level: Severity) -> set[str] | None:
        """The pages whose links changed since `last`, when only they need checking again; None when
        every page does (other files, a page's ids changed: another page's link may now resolve or not)."""
        if last.level != level or last.names != self.names:
            return None
        again = {name for name, parsed in self.pages.items() if last.pages.get(name) is not parsed}
        if any(name not in last.pages or last.pages[name].ids != self.pages[name].ids for name in again):
            return None
        return again

    def _broken(self, link: Link, ids: frozenset[str]) -> tuple[Text, Text] | None:
        """(what is wrong, what would be right) for a link that does not resolve; None when it does."""
        _, written, (kind, path, fragment) = link
        if kind == "anchor":
            if fragment and fragment not in ids:
                return (later("link to '#{fragment}' has no target on the page", fragment=fragment),
                        later("fix the anchor or the id it points to"))
            return None
        if kind == "outside":
            return (later("link '{written}' is outside the site's base path {base}", written=written,
                          base=self.base_path), later("build internal links with url() in templates"))
        found = _target(self.names, path)
        if found is None:
            return (later("link '{written}' leads nowhere", written=written),
                    later("fix the link or add the page it points to"))
        if fragment and found in self.pages and fragment not in self.pages[found].ids:
            return later("link '{written}' points to a missing anchor", written=written), later("fix the anchor")
        return None


def check(files: dict[str, bytes], base_path: str, level: Severity = ERROR,
          cache: LinkCache | None = None) -> list[Problem]:
    """Problems for links that do not resolve among `files` (all in memory: `check`, and tests)."""
    links = Links(base_path, cache)
    for name, data in files.items():
        links.add(name, data)
    return links.problems(level)
