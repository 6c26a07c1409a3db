"""Check that every internal link, script, stylesheet and download in the output resolves."""
from __future__ import annotations

import re
from html import unescape
from urllib.parse import unquote, urljoin, urlsplit

from generator.model.problems import ERROR, Problem, Severity

Link = tuple[int, str, tuple[str, str, str]]  # position in the page, as written, (kind, path, fragment)
Parsed = tuple[list[Link], set[str]]  # a page's internal links and its ids
LinkCache = dict[str, tuple[bytes, Parsed]]  # output path -> (the page's bytes, parsed); kept by `serve`


# The output is written by our own templates, so attributes are always double-quoted: a regular
# expression finds them far faster than an HTML parser on a national build's many megabytes.
_TAG = re.compile(r"<(a|link|script|img)\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r'\s(href|src)="([^"]*)"')
_ID = re.compile(r'\sid="([^"]*)"')


def _parse(html: str) -> tuple[list[tuple[int, str]], set[str]]:
    links = []
    for tag in _TAG.finditer(html):
        for attr in _ATTR.finditer(tag.group(0)):
            name = tag.group(1).lower()
            if (attr.group(1) == "href") == (name in ("a", "link")):
                links.append((tag.start(), unescape(attr.group(2))))
    return links, {unescape(i) for i in _ID.findall(html)}


def _target(files: dict[str, bytes], path: str) -> str | None:
    """The output file a site path resolves to, as a static host would serve it."""
    key = path.lstrip("/")
    if key == "" or key.endswith("/"):
        key += "index.html"
    if key in files:
        return key
    if key + "/index.html" in files:
        return key + "/index.html"
    return None


def _resolve(page: str, base_path: str, link: str) -> tuple[str, str, str] | None:
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


def _parsed(files: dict[str, bytes], base_path: str, cache: LinkCache | None) -> dict[str, Parsed]:
    """Each page's internal links and ids; with a cache, pages whose bytes did not change are not parsed again."""
    parsed: dict[str, Parsed] = {}
    for name, data in files.items():
        if not name.endswith(".html"):
            continue
        hit = cache.get(name) if cache is not None else None
        if hit is None or hit[0] != data:
            links, ids = _parse(data.decode("utf-8"))
            resolved = [(pos, link, target) for pos, link in links
                        if (target := _resolve(name, base_path, link)) is not None]
            hit = (data, (resolved, ids))
            if cache is not None:
                cache[name] = hit
        parsed[name] = hit[1]
    return parsed


def _broken(link: Link, ids: set[str], files: dict[str, bytes], parsed: dict[str, Parsed],
            base_path: str) -> tuple[str, str] | None:
    """(what is wrong, what would be right) for a link that does not resolve; None when it does."""
    _, written, (kind, path, fragment) = link
    if kind == "anchor":
        if fragment and fragment not in ids:
            return f"link to '#{fragment}' has no target on the page", "fix the anchor or the id it points to"
        return None
    if kind == "outside":
        return (f"link '{written}' is outside the site's base path {base_path}",
                "build internal links with url() in templates")
    found = _target(files, path)
    if found is None:
        return f"link '{written}' leads nowhere", "fix the link or add the page it points to"
    if fragment and found in parsed and fragment not in parsed[found][1]:
        return f"link '{written}' points to a missing anchor", "fix the anchor"
    return None


def check(files: dict[str, bytes], base_path: str, level: Severity = ERROR,
          cache: LinkCache | None = None) -> list[Problem]:
    """Problems for links that do not resolve. `cache` keeps each page's resolved links between
    rebuilds (keyed by the page's bytes)."""
    parsed = _parsed(files, base_path, cache)
    problems = []
    for name, (resolved, ids) in sorted(parsed.items()):
        for link in resolved:
            broken = _broken(link, ids, files, parsed, base_path)
            if broken is not None:
                line = files[name].decode("utf-8").count("\n", 0, link[0]) + 1
                problems.append(Problem(f"output/{name}", line, 1, level, *broken))
    return problems
