"""English pages leak no Vietnamese: every Vietnamese word on an English page is marked lang="vi".

The rule, applied to every HTML file of the built test site's English edition (pages and embeds):

- Checked: each text node of <body>, and the attributes a reader or a screen reader meets (aria-label,
  title, alt, placeholder) of each element of <body>.
- A text is Vietnamese when it holds a letter that English never writes (ă, â, đ, ê, ô, ơ, ư and the
  vowels with Vietnamese tone marks: à, ạ, ả, ã, á, …).
- It may stand outside lang="vi" only as a proper noun read as it is: the name of a province (before
  or after the 2025 merger), of a committee (any name it has had) or of a newspaper that published a
  source. These names are removed first; any Vietnamese letter left over is a leak.
- Everything else must be inside an element whose nearest lang attribute is "vi": quoted sentences
  and article titles, notes, approximation words quoted in explanations ("gần", "khoảng"), period
  words, untranslated content pages. <head> is not checked: a <title> or <meta> cannot mark a part of
  itself, and its language is the page's.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import yaml
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import escape

from generator.render.views import VIETNAMESE_LETTERS, quoted_vi
from tests.goldens import SITE

VIETNAMESE = re.compile("[àáạảãăắằặẳẵâấầậẩẫđèéẹẻẽêếềệểễìíịỉĩòóọỏõôốồộổỗơớờợởỡùúụủũưứừựửữỳýỵỷỹ]", re.I)
ATTRIBUTES = ("aria-label", "title", "alt", "placeholder")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def proper_names(site: Path) -> list[str]:
    """Province, committee and publisher names of a site, longest first (so a name inside another goes last)."""
    content = site / "content"
    provinces = yaml.safe_load((content / "provinces.yaml").read_text(encoding="utf-8"))
    names = {u["name"] for units in provinces.values() if isinstance(units, list) for u in units}
    committees = yaml.safe_load((content / "committees.yaml").read_text(encoding="utf-8"))
    names |= {n["name"] for cs in committees.values() for c in cs for n in c.get("names", [])}
    for record in (content / "records").rglob("*.yaml"):
        names |= {s["publisher"] for s in yaml.safe_load(record.read_text(encoding="utf-8")).get("sources", [])
                  if s.get("publisher")}
    return sorted(names, key=len, reverse=True)


class _Leaks(HTMLParser):
    """Texts outside lang="vi" that still hold a Vietnamese letter once the proper names are removed."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.names = names
        self.stack: list[tuple[str, str]] = []  # (tag, the language in force inside it)
        self.found: list[str] = []
        self.text: list[str] = []  # the parser may hand one text over in pieces: checked whole, at the next tag

    def _lang(self) -> str:
        return self.stack[-1][1] if self.stack else ""

    def _check(self, text: str, where: str, lang: str) -> None:
        if lang in ("vi", "-"):
            return
        rest = text
        for name in self.names:
            rest = rest.replace(name, "")
        if VIETNAMESE.search(rest):
            line, col = self.getpos()
            self.found.append(f"{line}:{col + 1}: {where}: {' '.join(text.split())[:120]!r}")

    def _flush(self) -> None:
        text, self.text = "".join(self.text), []
        if text.strip():
            self._check(text, f"<{self.stack[-1][0] if self.stack else ''}>", self._lang())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._flush()
        values = dict(attrs)
        lang = "-" if tag in ("head", "script", "style") or self._lang() == "-" else (values.get("lang") or self._lang())
        for key in ATTRIBUTES:  # an element's own lang covers its attributes
            self._check(values.get(key) or "", f"<{tag} {key}>", lang)
        if tag not in VOID:
            self.stack.append((tag, lang))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        self._flush()
        if any(t == tag for t, _ in self.stack):
            while self.stack.pop()[0] != tag:
                pass

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def leaks(html: str, names: list[str]) -> list[str]:
    parser = _Leaks(names)
    parser.feed(html)
    parser.close()
    parser._flush()
    return parser.found


def test_english_pages_mark_every_vietnamese_word(test_site_output: Path) -> None:
    names = proper_names(SITE)
    pages = sorted((test_site_output / "en").rglob("*.html"))
    assert len(pages) > 40  # the whole English edition, embeds included
    found = [f"en/{p.relative_to(test_site_output / 'en').as_posix()}:{leak}"
             for p in pages for leak in leaks(p.read_text(encoding="utf-8"), names)]
    assert found == [], "\n".join(found[:30])


def test_the_portals_own_english_pages_mark_every_vietnamese_word(portal: Path) -> None:
    """The real content too: its English content pages quote Vietnamese terms inside <span lang="vi">."""
    out = portal / "output"
    names = proper_names(portal)
    found = [f"en/{p.relative_to(out / 'en').as_posix()}:{leak}"
             for p in sorted((out / "en").rglob("*.html")) for leak in leaks(p.read_text(encoding="utf-8"), names)]
    assert found == [], "\n".join(found[:30])


def test_the_check_finds_a_leak_and_respects_lang(test_site_output: Path) -> None:
    """A Vietnamese common word is caught in a text and in an aria-label; lang="vi" and names are not."""
    names = proper_names(SITE)
    page = (test_site_output / "en/provinces/tra-vinh/index.html").read_text(encoding="utf-8")
    assert leaks(page, names) == []
    for planted in ('<p>nearly 7,000 (gần 7.000)</p>', '<p>Trà Vinh, Quý I/2022</p>',
                    '<div aria-label="Số liệu"></div>', '<p lang="vi">x</p><p>từ đầu năm</p>'):
        assert len(leaks(page.replace("</main>", planted + "</main>"), names)) == 1, planted
    for allowed in ('<p lang="vi">gần 7.000 <em>trên</em></p>', '<p>Trà Vinh (Báo Trà Vinh)</p>',
                    '<div lang="vi"><a title="Số liệu" href="#">Kỳ</a></div>'):
        assert leaks(page.replace("</main>", allowed + "</main>"), names) == [], allowed


_TEXT = st.text(st.sampled_from(list("ab “”<&gầnkhoảng trên")), max_size=40)


@given(_TEXT)
def test_quoted_vi_only_adds_markup(text: str) -> None:
    """The Vietnamese edition gets the text as it is; elsewhere only lang spans are added around quotes."""
    assert quoted_vi(text, "vi") == escape(text)
    english = str(quoted_vi(text, "en"))
    assert re.sub(r'<span lang="vi">|</span>', "", english) == str(escape(text))
    for quoted in re.findall("“([^”]*)”", text):
        if VIETNAMESE_LETTERS.search(quoted):
            assert f'“<span lang="vi">{escape(quoted)}</span>”' in english
