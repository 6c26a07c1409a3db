"""Share cards: the 1200×630 PNG a page shows when shared on Zalo, Facebook or X. A province or
indicator page's card carries its headline figure, the figure's period and its source (`plan.share`);
every other page shares its edition's generic card (`share.png` at the edition's root).

Drawn with Pillow in DejaVu Sans, shipped in `fonts/` with its licence, so every machine draws the same
Vietnamese letters. A card depends only on what it shows and on this drawing code: the same inputs give
the same bytes, and a build with a cache keeps each card in `.portal-cache/cards/` under a digest of
both, so an unchanged card is read back instead of drawn again (byte for byte what drawing gives).
"""
from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import PIL
from PIL import Image, ImageColor, ImageDraw, ImageFont

from generator.cache import FOLDER
from generator.hashing import digest
from generator.load.config import Config
from generator.plan.page import PlannedPage
from generator.plan.share import CARD, ShareCard
from generator.render.labels import LANGUAGES, Labels, Language
from generator.workers import forking, shared_out

SIZE = (1200, 630)  # the size Facebook, Zalo and X show large; _head.html states it in og:image:width/height
FONTS = Path(__file__).resolve().parent / "fonts"
REGULAR, BOLD = FONTS / "DejaVuSans.ttf", FONTS / "DejaVuSans-Bold.ttf"
MARGIN = 60
INK, MUTED, ACCENT, PAPER, SOFT = "#1a1a1a", "#4d4d4d", "#0b5394", "#ffffff", "#f4f6f8"  # style.css's colours
# A card is stored with a fixed palette: each text colour's ramp from the background it is drawn on, so
# smooth text edges survive, the file stays small, and mapping to it is quick and deterministic.
RAMPS = ((PAPER, INK, 12), (PAPER, MUTED, 8), (PAPER, ACCENT, 12), (SOFT, MUTED, 8))


@dataclass(frozen=True)
class CardText:
    """Everything one card shows; its digest (with the drawing code's) names the cached file."""

    site: str  # the site's name, in the band at the top
    heading: str  # the page's title
    what: str  # what the figure counts; on a card without a figure, the page's description
    figure: str = ""  # the headline figure as written: "92,9%"
    period: str = ""
    source: str = ""  # "Nguồn: Báo Trà Vinh, 14/02/2023"
    address: str = ""  # the page's address without its scheme, at the foot


@dataclass
class CardCache:
    """Drawn cards on disk, by the digest of what they show and of the code that drew them."""

    folder: Path
    drawing: str = field(default_factory=lambda: drawing_key())
    used: set[str] = field(default_factory=set)  # the files this build read or wrote
    read_only: bool = False  # `check`, which writes nothing: cards are read, never kept or removed

    @classmethod
    def beside(cls, root: Path, read_only: bool = False) -> CardCache:
        """The cards folder inside the site's build cache (`.portal-cache/cards/`)."""
        return cls(root / FOLDER / "cards", read_only=read_only)

    def _name(self, text: CardText) -> str:
        return digest(f"{self.drawing}:{text!r}".encode()) + ".png"

    def kept(self, text: CardText) -> bytes | None:
        """The card drawn for this text by an earlier build, if any."""
        name = self._name(text)
        self.used.add(name)
        try:
            return (self.folder / name).read_bytes()
        except OSError:
            return None

    def png(self, text: CardText) -> bytes:
        """The card for this text: kept, or drawn (here) and kept."""
        found = self.kept(text)
        if found is None:
            found = draw(text)
            self.keep(text, found)
        return found

    def keep(self, text: CardText, data: bytes) -> None:
        """Keep a card just drawn for the next build."""
        if self.read_only:
            return
        name = self._name(text)
        self.used.add(name)
        path = self.folder / name
        try:  # written aside and renamed: a card file is whole or absent
            self.folder.mkdir(parents=True, exist_ok=True)
            aside = path.with_name(f"{name}.{os.getpid()}.tmp")
            aside.write_bytes(data)
            os.replace(aside, path)
        except OSError:  # a cache that cannot be written only makes the next build slower
            pass

    def prune(self) -> None:
        """Remove the cards no page of this build showed (pages edited or gone)."""
        if self.read_only or not self.folder.is_dir():
            return
        for f in self.folder.iterdir():
            if f.name not in self.used:
                f.unlink(missing_ok=True)


def drawing_key() -> str:
    """A digest of what decides a card's pixels besides its text: this code, Pillow and the fonts."""
    fonts = "".join(f"{f.name}:{f.stat().st_size}" for f in (REGULAR, BOLD))
    return digest(Path(__file__).read_bytes() + f"{PIL.__version__}:{fonts}".encode())


def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(BOLD if bold else REGULAR), size)


def _lines(text: str, font: ImageFont.FreeTypeFont, width: int, most: int) -> list[str]:
    """The text broken into lines that fit `width`; past `most` lines the last one ends with "…"."""
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] += " …"
    return [_clip(line, font, width) for line in lines]


def _clip(line: str, font: ImageFont.FreeTypeFont, width: int) -> str:
    """One line shortened with "…" until it fits (a single word wider than the card)."""
    while font.getlength(line) > width and len(line) > 1:
        line = line[:-2].rstrip() + "…"
    return line


def _write(draw: ImageDraw.ImageDraw, y: int, text: str, bold: bool, size: int, colour: str,
           most: int = 1) -> int:
    """Text from the left margin at `y`, wrapped; returns the y below it."""
    font = _font(bold, size)
    for line in _lines(text, font, SIZE[0] - 2 * MARGIN, most):
        draw.text((MARGIN, y), line, font=font, fill=colour)
        y += round(size * 1.3)
    return y


def _figure(draw: ImageDraw.ImageDraw, y: int, text: str) -> int:
    """The headline figure, as large as fits on one line."""
    for size in (120, 96, 76, 60):
        font = _font(True, size)
        if font.getlength(text) <= SIZE[0] - 2 * MARGIN:
            break
    draw.text((MARGIN, y), _clip(text, font, SIZE[0] - 2 * MARGIN), font=font, fill=ACCENT)
    return y + round(size * 1.2)


def _palette() -> Image.Image:
    colours = []
    for start, end, steps in RAMPS:
        a, b = ImageColor.getrgb(start), ImageColor.getrgb(end)
        colours += [tuple(round(a[i] + (b[i] - a[i]) * k / (steps - 1)) for i in range(3)) for k in range(steps)]
    flat = [channel for colour in dict.fromkeys(colours) for channel in colour]
    palette = Image.new("P", (1, 1))
    palette.putpalette(flat + flat[:3] * (256 - len(flat) // 3))
    return palette


def draw(text: CardText) -> bytes:
    """The card as PNG bytes: the same text always gives the same bytes."""
    image = Image.new("RGB", SIZE, PAPER)
    canvas = ImageDraw.Draw(image)
    canvas.rectangle((0, 0, SIZE[0], 88), fill=ACCENT)
    _write(canvas, 24, text.site, True, 32, PAPER)
    y = _write(canvas, 116, text.heading, True, 54, INK)
    if text.figure:
        y = _write(canvas, y + 8, text.what, False, 30, MUTED, most=2)
        y = _figure(canvas, y + 4, text.figure)
        y = _write(canvas, y, text.period, True, 32, INK)
        _write(canvas, y + 4, text.source, False, 26, MUTED, most=2)
    else:
        _write(canvas, y + 12, text.what, False, 32, MUTED, most=6)
    if text.address:  # a site without a host in base_url has no address to print
        canvas.rectangle((0, SIZE[1] - 56, SIZE[0], SIZE[1]), fill=SOFT)
        _write(canvas, SIZE[1] - 42, text.address, False, 24, MUTED)
    small = image.quantize(palette=_palette(), dither=Image.Dither.NONE)
    out = io.BytesIO()
    small.save(out, "PNG")  # zlib level 6: level 9 saves 7% for six times the time
    return out.getvalue()


def _address(config: Config, path: str) -> str:
    """A page's address as a card prints it (example.org/portal/provinces/tra-vinh/); "" without a host."""
    if not re.match(r"https?://", config.base_url):
        return ""
    return re.sub(r"^https?://", "", config.base_url) + path


def page_text(share: ShareCard, site: str, labels: Labels, address: str) -> CardText:
    h = share.headline
    if h is None:
        return CardText(site, share.title, share.description, address=address)
    return CardText(site, share.title, h.label(labels), h.figure, h.period, f"{labels['share']['source']}: {h.source}",
                    address)


def edition_cards(pages: list[PlannedPage], config: Config, labels: Labels, lang: Language,
                  cache: CardCache | None = None, workers: int = 1) -> dict[str, bytes]:
    """The edition's cards, as {output path: PNG}: each page's own, and the generic one; those not kept
    by an earlier build are drawn by `workers` forked processes."""
    prefix = LANGUAGES[lang][0]
    site = config.title if lang == "vi" else labels["home"]["heading"]
    description = config.description if lang == "vi" else labels["site"]["description"]
    texts = {prefix + CARD: CardText(site, site, description, address=_address(config, prefix))}
    for page in pages:
        if page.share is not None:
            texts[prefix + page.share.image] = page_text(page.share, site, labels, _address(config, prefix + page.url))
    listed = list(texts.items())
    cards = {path: cache.kept(text) if cache else None for path, text in listed}
    todo = [i for i, (path, _) in enumerate(listed) if cards[path] is None]
    for i, data in shared_out(draw, [text for _, text in listed], todo, forking(workers)):
        path, text = listed[i]
        cards[path] = data
        if cache:
            cache.keep(text, data)
    return {path: data for path, data in cards.items() if data is not None}
