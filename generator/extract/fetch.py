"""An article from its web address: the page's main text and its metadata, via trafilatura.

The page is downloaded by a `Fetcher` (a function from address to HTML), so tests pass saved pages
instead of going to the network. The text comes back as an article file: a `SOURCE:` first line
(address | publisher | date) and the main text, which is what the draft's quotes are taken from.
"""
from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import trafilatura

from generator.i18n import Text, later

Fetcher = Callable[[str], str]
TIMEOUT = 30  # seconds
_AGENT = "party-bloc-portal extract (+https://github.com/)"
_CHARSET = re.compile(r"charset=([\w-]+)")
_MIN_WORDS = 30  # fewer words than this is a menu or an error page, not an article
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class FetchError(Exception):
    """The page could not be fetched or holds no article; the message is one line for the maintainer,
    translated when it is printed."""

    def __init__(self, text: Text):
        super().__init__(text)
        self.text = text


@dataclass(frozen=True)
class Page:
    url: str
    title: str
    publisher: str
    published: str  # ISO date, or "" when the page does not say
    text: str

    def article(self) -> str:
        """The text as an article file: `SOURCE: url | publisher | date`, the title, then the text."""
        head = f"SOURCE: {self.url} | {self.publisher} | {self.published or 'date not shown'}"
        title = f"{self.title}\n\n" if self.title and not self.text.startswith(self.title) else ""
        return f"{head}\n{title}{self.text}\n"

    def meta(self) -> dict[str, str]:
        return {"url": self.url, "publisher": self.publisher, "published": self.published, "title": self.title}


def download(url: str) -> str:
    """The page's HTML, decoded with the charset the server names (UTF-8 otherwise)."""
    request = urllib.request.Request(url, headers={"User-Agent": _AGENT})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 - an address the user gave
            body: bytes = response.read()
            charset = _CHARSET.search(response.headers.get("Content-Type", ""))
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise FetchError(later("{url}: error: the page could not be fetched ({reason}); check the address and the "
                               "internet connection, or save the article as a text file and give that instead",
                               url=url, reason=reason)) from None
    return body.decode(charset.group(1) if charset else "utf-8", errors="replace")


def _publisher(data: dict[str, Any], url: str) -> str:
    name = data.get("source-hostname") or data.get("sitename") or data.get("hostname") or urlparse(url).hostname or ""
    return str(name).removeprefix("www.")


def read_page(url: str, html: str) -> Page:
    """The article's main text and metadata from a page's HTML."""
    raw = trafilatura.extract(html, url=url, output_format="json", with_metadata=True, include_comments=False,
                              include_tables=False, favor_precision=True)
    data: dict[str, Any] = json.loads(raw) if raw else {}
    text = str(data.get("text") or "").strip()
    if len(text.split()) < _MIN_WORDS:
        raise FetchError(later("{url}: error: no article text found on the page; open it in a browser, copy the "
                               "article into a text file and give that instead", url=url))
    date = _ISO_DATE.match(str(data.get("date") or ""))
    return Page(url=url, title=" ".join(str(data.get("title") or "").split()), publisher=_publisher(data, url),
                published=date.group(0) if date else "", text=text)


def fetch(url: str, fetcher: Fetcher = download) -> Page:
    return read_page(url, fetcher(url))


def is_address(name: str) -> bool:
    return name.startswith(("http://", "https://"))
