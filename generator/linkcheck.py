"""Check that every internal link, script, stylesheet and download in the output resolves."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from .problems import ERROR, Problem


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[int, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if value and ((name == "href" and tag in ("a", "link")) or (name == "src" and tag in ("script", "img"))):
                self.links.append((self.getpos()[0], value))


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
    parsed: dict[str, _Links] = {}
    for name, data in files.items():
        if name.endswith(".html"):
            p = _Links()
            p.feed(data.decode("utf-8"))
            parsed[name] = p
    problems = []
    for name, p in sorted(parsed.items()):
        for line, link in p.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("mailto:", "data:")):
                continue
            if not parts.path:  # same-page anchor
                if parts.fragment and parts.fragment not in p.ids:
                    problems.append(Problem(f"output/{name}", line, 1, level,
                                            f"link to '#{parts.fragment}' has no target on the page",
                                            "fix the anchor or the id it points to"))
                continue
            page_url = base_path + (name[: -len("index.html")] if name.endswith("index.html") else name)
            path = unquote(urlsplit(urljoin(page_url, link)).path)  # relative links resolve from the page
            if not path.startswith(base_path):
                problems.append(Problem(f"output/{name}", line, 1, level,
                                        f"link '{link}' is outside the site's base path {base_path}",
                                        "build internal links with url() in templates"))
                continue
            target = _target(files, path[len(base_path):])
            if target is None:
                problems.append(Problem(f"output/{name}", line, 1, level, f"link '{link}' leads nowhere",
                                        "fix the link or add the page it points to"))
            elif parts.fragment and target in parsed and parts.fragment not in parsed[target].ids:
                problems.append(Problem(f"output/{name}", line, 1, level,
                                        f"link '{link}' points to a missing anchor", "fix the anchor"))
    return problems
