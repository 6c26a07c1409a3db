"""Sharing: every province and indicator page has its own 1200×630 card and its own Open Graph tags;
other pages share the edition's generic card; cards are deterministic, the same from the cache as
freshly drawn, and drawn in a font that has every Vietnamese letter."""
from __future__ import annotations

import html as htmlmod
import io
import re
import sys
import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw, ImageFont

from generator.cache import BuildCache
from generator.load.content_pages import for_language
from generator.load.site import load_site
from generator.model.derive import derive_all
from generator.model.problems import Problems
from generator.output import share_cards
from generator.output.share_cards import CardCache, CardText, draw
from generator.pipeline import build
from generator.plan.index import build_index
from generator.plan.planner import plan
from generator.render.labels import load_labels
from tests.conftest import ROOT
from tests.helpers import shared_out_counted

BASE = "https://example.org/portal/"  # the test site's base_url
SHARED = ("provinces", "indicators")  # the page types with a card of their own

# Cards drawn afresh here: elsewhere the suite draws each card once per process (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("real_drawing")


def _meta(html: str) -> dict[str, str]:
    found = re.findall(r'<meta (?:property|name)="((?:og|twitter):[^"]+)" content="([^"]*)">', html)
    return {k: htmlmod.unescape(v) for k, v in found}


def _pages(out: Path) -> dict[str, str]:
    """Every built HTML page (output path -> text)."""
    return {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in sorted(out.rglob("index.html"))}


def _own_card_pages(out: Path) -> list[str]:
    """The province and indicator pages, in both editions: provinces/<slug>/ and indicators/<id>/."""
    pattern = re.compile(r"^(en/)?(provinces|indicators)/[^/]+/index\.html$")
    return [p for p in _pages(out) if pattern.match(p)]


def test_every_province_and_indicator_page_has_its_own_card_of_1200_by_630(test_site_output: Path) -> None:
    pages = _own_card_pages(test_site_output)
    assert len(pages) >= 2 * 10
    cards = {}
    for page in pages:
        card = test_site_output / page.replace("index.html", "share.png")
        assert card.is_file(), card
        with Image.open(card) as image:
            assert image.format == "PNG" and image.size == share_cards.SIZE == (1200, 630)
        cards[page] = card.read_bytes()
        assert len(cards[page]) < 40_000, "a card stays small"
    assert len(set(cards.values())) == len(cards), "every page's card differs from every other's"


def test_each_shared_pages_tags_are_its_own(test_site_output: Path) -> None:
    seen_descriptions = set()
    for path in _own_card_pages(test_site_output):
        html = (test_site_output / path).read_text(encoding="utf-8")
        meta = _meta(html)
        url = BASE + path.removesuffix("index.html")
        title = htmlmod.unescape(re.search(r"<h1>(.*?)</h1>", html).group(1))  # type: ignore[union-attr]
        assert meta["og:title"] == title
        assert meta["og:url"] == url
        assert meta["og:image"] == url + "share.png"
        assert meta["og:image:width"] == "1200" and meta["og:image:height"] == "630"
        assert meta["og:image:alt"] and meta["og:image:type"] == "image/png"
        assert meta["twitter:card"] == "summary_large_image"
        assert meta["og:site_name"]
        seen_descriptions.add(meta["og:description"])
    assert len(seen_descriptions) == len(_own_card_pages(test_site_output))


@pytest.mark.parametrize(("path", "figure", "words"), [
    ("provinces/tra-vinh/index.html", "92,9%", ("Trà Vinh", "Cả năm 2022", "Báo Trà Vinh")),
    ("en/provinces/tra-vinh/index.html", "92.9%", ("Trà Vinh", "Full year 2022", "Báo Trà Vinh")),
    ("en/indicators/admissions/index.html", "300", ("New members admitted", "2024")),
])
def test_the_description_is_a_sentence_with_the_headline_figure_its_period_and_source(
        test_site_output: Path, path: str, figure: str, words: tuple[str, ...]) -> None:
    html = (test_site_output / path).read_text(encoding="utf-8")
    description = _meta(html)["og:description"]
    assert figure in description and all(w in description for w in words), description
    assert description.endswith(".")


def test_the_headline_figure_of_a_province_is_the_one_its_page_shows_first(test_site_output: Path) -> None:
    for path in _own_card_pages(test_site_output):
        if "/provinces/" not in "/" + path:
            continue
        html = (test_site_output / path).read_text(encoding="utf-8")
        shown = re.search(r'<dd class="figure">([^<]*)', html)
        description = _meta(html)["og:description"]
        if shown:
            assert shown.group(1).strip() in description, (path, description)
        else:
            assert not re.search(r"\d+[,.]\d%", description), (path, description)


def test_other_pages_share_the_editions_generic_card(test_site_output: Path) -> None:
    own = set(_own_card_pages(test_site_output))
    checked = 0
    for path, html in _pages(test_site_output).items():
        if path in own or path.startswith(("embed/", "en/embed/")):
            continue
        edition = "en/" if path.startswith("en/") else ""
        meta = _meta(html)
        assert meta["og:image"] == BASE + edition + "share.png", path
        assert meta["twitter:card"] == "summary_large_image"
        checked += 1
    assert checked > 10
    for edition in ("", "en/"):
        with Image.open(test_site_output / edition / "share.png") as image:
            assert image.size == (1200, 630)


def test_og_url_is_a_path_when_base_url_has_no_host(tmp_path: Path, test_site: Path) -> None:
    out = tmp_path / "out"
    assert build(test_site, Problems(), output=out, base_url="/sub/") is not None
    meta = _meta((out / "provinces/tra-vinh/index.html").read_text(encoding="utf-8"))
    assert meta["og:url"] == "/sub/provinces/tra-vinh/"
    assert meta["og:image"] == "/sub/provinces/tra-vinh/share.png"


TEXT = CardText("Trang thử nghiệm", "Trà Vinh", "Tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ trở lên", "92,9%",
                "Cả năm 2022", "Nguồn: Báo Trà Vinh, 02/2023", "example.org/portal/provinces/tra-vinh/")


def test_a_card_is_deterministic_and_the_cached_copy_is_the_drawn_one(tmp_path: Path) -> None:
    fresh = draw(TEXT)
    assert draw(TEXT) == fresh
    cache = CardCache(tmp_path / "cards")
    assert cache.png(TEXT) == fresh  # drawn and kept
    kept = list((tmp_path / "cards").iterdir())
    assert len(kept) == 1 and kept[0].read_bytes() == fresh
    kept[0].write_bytes(b"kept")  # a second build reads the kept file instead of drawing again
    assert CardCache(tmp_path / "cards").png(TEXT) == b"kept"


def test_a_card_is_kept_under_what_it_shows_and_unused_cards_are_removed(tmp_path: Path) -> None:
    cache = CardCache(tmp_path / "cards")
    cache.png(TEXT)
    other = replace(TEXT, figure="93,0%")
    cache.png(other)
    assert len(list((tmp_path / "cards").iterdir())) == 2
    second = CardCache(tmp_path / "cards")
    second.png(other)
    second.prune()
    assert [f.read_bytes() for f in (tmp_path / "cards").iterdir()] == [draw(other)]


@settings(max_examples=15, deadline=None)
@given(st.text(alphabet="0123456789,.% ", min_size=1, max_size=12), st.text(min_size=0, max_size=300))
def test_any_figure_and_text_fit_one_card_of_the_same_size(figure: str, words: str) -> None:
    card = draw(CardText("site", words or "x", words, figure, words, words, words))
    with Image.open(io.BytesIO(card)) as image:
        assert image.size == (1200, 630)


def test_a_build_with_the_cache_gives_the_same_cards_as_a_clean_build(test_site: Path, test_site_output: Path,
                                                                     tmp_path: Path) -> None:
    kept = BuildCache()
    for attempt in ("drawn", "from the cache"):
        out = tmp_path / attempt
        assert build(test_site, Problems(), output=out, cache=kept, in_place=False) is not None
        for card in sorted(test_site_output.rglob("share.png")):
            name = card.relative_to(test_site_output)
            assert (out / name).read_bytes() == card.read_bytes(), (attempt, name)
    folder = test_site / ".portal-cache" / "cards"
    assert len(list(folder.iterdir())) == len(list(test_site_output.rglob("share.png")))


def _vietnamese_letters() -> list[str]:
    letters = "aăâeêioôơuưy"
    found = ["đ", "Đ"]
    for base in letters + letters.upper():
        for mark in ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"):
            found.append(unicodedata.normalize("NFC", base + mark))
    return found


def _drawn(font: ImageFont.FreeTypeFont, letter: str) -> bytes:
    image = Image.new("L", (80, 80))
    ImageDraw.Draw(image).text((10, 10), letter, font=font, fill=255)
    return image.tobytes()


@pytest.mark.parametrize("bold", [False, True])
def test_the_bundled_font_draws_every_vietnamese_letter(bold: bool) -> None:
    font = ImageFont.truetype(str(share_cards.BOLD if bold else share_cards.REGULAR), 40)
    missing = _drawn(font, "\U0010fffd")  # a code point no font has: its "missing" box
    assert missing != _drawn(font, " ")
    for letter in _vietnamese_letters():
        assert len(letter) == 1, letter
        assert _drawn(font, letter) != missing, letter
    assert (share_cards.FONTS / "LICENSE-DejaVu.txt").is_file()


@pytest.mark.skipif(sys.platform == "win32", reason="cards are drawn by forked workers only where there is fork")
def test_cards_drawn_by_workers_are_the_cards_drawn_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A first build draws its cards in worker processes; they are the cards drawn here, kept for the next
    build, which draws none of them again."""
    site = load_site(ROOT / "tests/site", Problems())
    assert site is not None
    labels = load_labels("en")
    pages = plan(build_index(site.registry, derive_all(site.records)), labels,
                 for_language(site.content_pages, "en")).pages
    alone = share_cards.edition_cards(pages, site.config, labels, "en")
    shared = shared_out_counted(monkeypatch)
    assert share_cards.edition_cards(pages, site.config, labels, "en", CardCache(tmp_path), workers=2) == alone
    assert share_cards.edition_cards(pages, site.config, labels, "en", CardCache(tmp_path), workers=2) == alone
    assert shared == [len(alone)]
