"""For crawlers and readers of feeds: sitemap.xml, robots.txt and an Atom feed of dated pages."""
from __future__ import annotations

from typing import NamedTuple
from xml.sax.saxutils import escape

from generator.load.config import Config
from generator.load.content_pages import ContentPage
from generator.plan.page import PlannedPage


def atom(config: Config, content_pages: list[ContentPage]) -> dict[str, bytes]:
    """An Atom feed of the dated content pages (none when there are none, or no absolute base_url)."""
    dated = sorted(((p.date, p) for p in content_pages if p.date), key=lambda dp: (dp[0], dp[1].slug), reverse=True)
    if not dated or not config.base_url.startswith("http"):
        return {}
    base = config.base_url
    entries = "".join(
        f"<entry><title>{escape(p.title)}</title><link href=\"{escape(base + p.slug)}/\"/>"
        f"<id>{escape(base + p.slug)}/</id><updated>{date.isoformat()}T00:00:00Z</updated>"
        f"<summary>{escape(p.description)}</summary></entry>\n" for date, p in dated)
    feed = ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
            f"<title>{escape(config.title)}</title><id>{escape(base)}</id>"
            f"<link href=\"{escape(base)}feed.xml\" rel=\"self\"/><link href=\"{escape(base)}\"/>"
            f"<updated>{dated[0][0].isoformat()}T00:00:00Z</updated>\n{entries}</feed>\n")
    return {"feed.xml": feed.encode("utf-8")}


class Listed(NamedTuple):
    """What the sitemap needs of a page: its address (with the edition's prefix) and its type. A build
    keeps only this of each edition's pages, not their data."""

    url: str
    template: str

    @classmethod
    def of(cls, page: PlannedPage, prefix: str) -> Listed:
        return cls(prefix + page.url, page.template)


def sitemap_and_robots(config: Config, planned: list[Listed]) -> dict[str, bytes]:
    base = config.base_url if config.base_url.startswith("http") else None
    files = {}
    lines = ["User-agent: *", "Disallow: /" if config.staging else "Allow: /"]
    if base and not config.staging:
        urls = "".join(f"<url><loc>{escape(base + p.url)}</loc></url>\n" for p in planned
                       if p.template not in ("404", "embed"))
        files["sitemap.xml"] = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                                '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                                f"{urls}</urlset>\n").encode()
        lines.append(f"Sitemap: {base}sitemap.xml")
    files["robots.txt"] = ("\n".join(lines) + "\n").encode("utf-8")
    return files
