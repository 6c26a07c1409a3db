"""The article as text: folding for matching, sentences and clauses, the SOURCE line, truncation."""
from __future__ import annotations

import re
import unicodedata

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[A-ZĐÀ-ỸẠ-Ỵ“\"(\d])")
_URL = re.compile(r"https?://[^\s)\]]+")
_DMY = re.compile(r"\b(\d{1,2})/(\d{1,2})/((?:19|20)\d\d)\b")
_DATE_WORDS = re.compile(r"ngày (\d{1,2}) tháng (\d{1,2}) năm ((?:19|20)\d\d)")
_ISO_PREFIX = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
_CHROME_START = ("Theo", "Nguồn", "Tin,", "Tin:", "Ảnh", "Tag", "File", "Xem", "•", "Banner")
_TITLE_WORDS = (4, 30)
_SHORT = 5  # words: a shorter line at the end may be page furniture
ASIDE = re.compile(r"\([^()]*\)")  # a parenthesis, often another period's or unit's figure
_CLOSED = re.compile(r"([.!?…\"”’)]|\.\.\.|\./\.)\s*$")


def fold(text: str) -> str:
    """Lower-case without diacritics, one character for one character (so positions still match)."""
    out = []
    for ch in text:
        if ch in "đĐ":
            out.append("d")
            continue
        base = unicodedata.normalize("NFD", ch)[0].lower()
        out.append(base if len(base) == 1 else ch)
    return "".join(out)


def normalise(text: str) -> str:
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n"))


def sentences(text: str) -> list[str]:
    """Sentences, without repeats (saved pages often repeat a caption or lede)."""
    found: list[str] = []
    for line in text.splitlines():
        line = " ".join(line.split())
        start = 0
        for m in _SENTENCE_END.finditer(line):
            found.append(line[start:m.start()].strip())
            start = m.end()
        found.append(line[start:].strip())
    return list(dict.fromkeys(s for s in found if s))


def clauses(sentence: str) -> list[str]:
    return [c.strip() for c in sentence.split(";") if c.strip()]


def quote(text: str) -> str:
    return text.strip(" .,;:")


def source_line(text: str) -> tuple[dict[str, str], str]:
    """The `SOURCE: url | publisher | date` first line, if any, and the rest of the text."""
    first, _, rest = text.partition("\n")
    if not first.startswith("SOURCE:"):
        return source_in_text(text), text
    parts = [p.strip() for p in first[len("SOURCE:"):].split("|")]
    source = {"url": parts[0]}
    if len(parts) > 1:
        source["publisher"] = parts[1]
    date = _ISO_PREFIX.match(parts[2]) if len(parts) > 2 else None
    if date:
        source["published"] = date.group(0)
    return source, rest


def source_in_text(text: str) -> dict[str, str]:
    """Without a SOURCE line: a web address and a publication date written in the article, if any."""
    source = {}
    url = _URL.search(text)
    if url:
        source["url"] = url.group(0).rstrip(".,")
    head = text[:600]
    found = _DMY.search(head) or _DATE_WORDS.search(head)
    if found:
        day, month, year = (int(g) for g in found.groups())
        if 1 <= day <= 31 and 1 <= month <= 12:
            source["published"] = f"{year:04d}-{month:02d}-{day:02d}"
    return source


def title_line(body: str) -> str | None:
    """The first line that reads like a headline (4 to 30 words, not a link or a label)."""
    for line in body.splitlines():
        line = " ".join(line.split())
        if _TITLE_WORDS[0] <= len(line.split()) <= _TITLE_WORDS[1] and not line.startswith(_CHROME_START) \
                and "http" not in line and not line.endswith(":"):
            return line
    return None


def _marked(line: str) -> bool:
    """A byline, a photo credit, a "Theo …" line, a link or a label: page furniture, not article text."""
    if line.startswith(_CHROME_START) or "http" in line or line.endswith(":"):
        return True
    return all(w[0].isupper() or not w[0].isalpha() for w in line.split())


def looks_cut_off(body: str) -> str | None:
    """The end of the article's text when it stops mid-sentence (the saved copy is incomplete).

    Short lines at the end ("Thống kê truy cập", "File đính kèm") are page furniture when a byline,
    link or label is among them; otherwise the last short line is where the text stops.
    """
    lines = [" ".join(line.split()) for line in body.splitlines() if line.strip()]
    i = len(lines)
    while i > 0 and (_marked(lines[i - 1]) or len(lines[i - 1].split()) < _SHORT):
        i -= 1
    trailing = lines[i:]
    if trailing and not any(_marked(line) for line in trailing):
        last = trailing[-1]
    elif i > 0:
        last = lines[i - 1]
    else:
        return None
    return None if _CLOSED.search(last) else last[-60:]
