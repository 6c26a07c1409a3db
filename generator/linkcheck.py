"""Check that every internal link, script, stylesheet and download in the output resolves."""
from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from .problems import ERROR, Problem


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


def check(files: dict[str, bytes], base_path: str, level: str = ERROR) -> list[Problem]:
    texts = {name: data.decode("utf-8") for name, data in files.items() if name.endswith(".html")}
    parsed = {name: _parse(text) for name, text in texts.items()}
    problems = []
    for name, (links, ids) in sorted(parsed.items()):
        for position, link in links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("mailto:", "data:")):
                continue
            if not parts.path:  # same-page anchor
                if parts.fragment and parts.fragment not in ids:
                    problems.append(Problem(f"output/{name}", texts[name].count("\n", 0, position) + 1, 1, level,
                                            f"link to '#{parts.fragment}' has no target on the page",
                                            "fix the anchor or the id it points to"))
                continue
            page_url = base_path + (name[: -len("index.html")] if name.endswith("index.html") else name)
            path = unquote(urlsplit(urljoin(page_url, link)).path)  # relative links resolve from the page
            if not path.startswith(base_path):
                problems.append(Problem(f"output/{name}", texts[name].count("\n", 0, position) + 1, 1, level,
                                        f"link '{link}' is outside the site's base path {base_path}",
                                        "build internal links with url() in templates"))
                continue
            target = _target(files, path[len(base_path):])
            if target is None:
                problems.append(Problem(f"output/{name}", texts[name].count("\n", 0, position) + 1, 1, level, f"link '{link}' leads nowhere",
                                        "fix the link or add the page it points to"))
            elif parts.fragment and target in parsed and parts.fragment not in parsed[target][1]:
                problems.append(Problem(f"output/{name}", texts[name].count("\n", 0, position) + 1, 1, level,
                                        f"link '{link}' points to a missing anchor", "fix the anchor"))
    return problems
