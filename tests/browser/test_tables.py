"""Tables that read, on a 320 px and a 375 px phone and a 1366 px laptop: no word is broken inside
itself ("T/r/à/V/i/n/h"), row labels keep a sensible width, and a table wider than a phone scrolls
inside its own box with its first column held in place and a visible cue that there is more."""
from __future__ import annotations

import base64

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import Site, screenshot, visit
from tests.browser.test_standards import PAGE_TYPES, page_url

WIDTHS = (320, 375, 1366)
PHONES = (320, 375)
ROW_LABEL_MIN = 112  # px (7rem): a province's name or a rating level on one or two lines, never a column of syllables
SCREENSHOTS = ("province", "year", "indicator", "en-province", "en-year", "en-indicator")

# Each word of every table cell and heading, measured with a Range over its characters: a word whose
# characters sit on more than one line is broken. A word ends at white space or just after a hyphen or
# dash (where a line may properly break); "202/2", "Hải Dươn/g" and "T/r/à" are breaks inside a word.
BROKEN_WORDS_JS = """() => {
    const broken = [];
    const word = /[^\\s\\-\\u2010-\\u2014]+[\\-\\u2010-\\u2014]?/g;
    for (const el of document.querySelectorAll('th, td, caption, h1, h2, h3, h4, h5, h6, dt, dd')) {
        if (!el.getClientRects().length) continue;
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            if (node.parentElement.closest('details:not([open]) > :not(summary)')) continue;  // not shown
            for (const m of node.data.matchAll(word)) {
                if ([...m[0]].length < 2) continue;
                const range = document.createRange();
                range.setStart(node, m.index);
                range.setEnd(node, m.index + m[0].length);
                const tops = [...range.getClientRects()].filter(r => r.width > 0).map(r => r.top);
                if (tops.length > 1 && Math.max(...tops) - Math.min(...tops) > 2) {
                    broken.push(`<${el.tagName.toLowerCase()}> "${m[0]}" in "${el.textContent.trim().slice(0, 60)}"`);
                }
            }
        }
    }
    return broken;
}"""

# Row headers narrower than both ROW_LABEL_MIN and their text set on one line.
NARROW_ROW_LABELS_JS = """(least) => [...document.querySelectorAll('table th[scope=row]')].filter(th => th.getClientRects().length)
    .map(th => {
        const probe = document.createElement('span');
        probe.style.cssText = 'position:absolute;visibility:hidden;white-space:nowrap;left:0;top:0';
        probe.textContent = th.textContent.trim();
        th.appendChild(probe);
        const natural = probe.getBoundingClientRect().width;
        probe.remove();
        const s = getComputedStyle(th);
        const inner = th.getBoundingClientRect().width - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
        return [th.textContent.trim(), Math.round(inner), Math.round(Math.min(least, natural))];
    }).filter(([, inner, wanted]) => inner + 1 < wanted)"""


def broken_words(page: Page) -> list[str]:
    return page.evaluate(BROKEN_WORDS_JS)


@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_no_word_breaks_inside_itself_and_row_labels_keep_their_width(served: Site, browser: Browser,
                                                                      name: str) -> None:
    found = []
    v = visit(browser, page_url(served, name), WIDTHS[0])
    for width in WIDTHS:  # one page load, resized: layout is recomputed for each width
        v.page.set_viewport_size({"width": width, "height": 900})
        found += [f"{width} px: {b}" for b in broken_words(v.page)]
        found += [f"{width} px: row label {text!r} is {inner} px wide, wants {wanted} px"
                  for text, inner, wanted in v.page.evaluate(NARROW_ROW_LABELS_JS, ROW_LABEL_MIN)]
        assert v.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), \
            f"{width} px: the page itself scrolls sideways"
        if name in SCREENSHOTS and width != 320:
            screenshot(v, f"tables-{name}-{width}")
    v.page.context.close()
    if found:
        pytest.fail(f"{len(found)} problems:\n" + "\n".join(found[:40]), pytrace=False)


def test_the_word_check_catches_letter_by_letter_breaking(served: Site, browser: Browser) -> None:
    """The old rule (everything may break anywhere, number cells may not wrap) is caught at once."""
    v = visit(browser, page_url(served, "year"), 375, bypass_csp=True)
    assert broken_words(v.page) == []
    v.page.add_style_tag(content="body, body * { overflow-wrap: anywhere !important; min-width: 0 !important; }"
                                 " table.data td { white-space: nowrap !important; }")
    found = broken_words(v.page)
    v.page.context.close()
    assert len(found) >= 3, found


# --- wide tables on a phone -------------------------------------------------------------------------

CELL_PADDING = 8  # px: a table hiding no more than its last cell's padding needs no cue
WIDE_TABLES_JS = """() => [...document.querySelectorAll('.table-wrap')]
    .map((w, i) => [i, w.scrollWidth - w.clientWidth]).filter(([, more]) => more > 1)"""

# After scrolling a wide table to its end: where each row's first cell stands, relative to the box,
# and whether its background hides what scrolls beneath it.
FIRST_COLUMN_JS = """(i) => {
    const wrap = document.querySelectorAll('.table-wrap')[i];
    wrap.scrollLeft = wrap.scrollWidth;
    const left = wrap.getBoundingClientRect().left;
    const out = [...wrap.querySelectorAll('tr')].map(tr => {
        const cell = tr.cells[0];
        const bg = getComputedStyle(cell).backgroundColor;
        const opaque = bg.startsWith('rgb(') || /, 1\\)$/.test(bg);
        return [cell.textContent.trim().slice(0, 30), Math.round(cell.getBoundingClientRect().left - left), opaque];
    });
    wrap.scrollLeft = 0;
    return out;
}"""

# How far a wide table's caption runs past the visible box (a caption cut off at the edge is unread).
CAPTION_OVERRUN_JS = """(i) => {
    const wrap = document.querySelectorAll('.table-wrap')[i];
    const caption = wrap.querySelector('caption');
    return caption ? Math.round(caption.getBoundingClientRect().right - wrap.getBoundingClientRect().right) : 0;
}"""

# The darkest pixel (0 black … 255 white) of the rightmost 12 px of a PNG, read back through a canvas.
DARKEST_AT_RIGHT_EDGE_JS = """async (png) => {
    const img = new Image();
    img.src = 'data:image/png;base64,' + png;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width; c.height = img.height;
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const px = ctx.getImageData(img.width - 12, 0, 12, img.height).data;
    let darkest = 255;
    for (let k = 0; k < px.length; k += 4) darkest = Math.min(darkest, (px[k] + px[k + 1] + px[k + 2]) / 3);
    return darkest;
}"""


def darkest_at_right_edge(page: Page, index: int, scroll: str) -> float:
    """The box alone (its table made invisible but still taking its room), scrolled to `scroll`."""
    wrap = page.locator(".table-wrap").nth(index)
    wrap.evaluate(f"w => {{ w.querySelector('table').style.visibility = 'hidden'; w.scrollLeft = {scroll}; }}")
    png = base64.b64encode(wrap.screenshot(animations="disabled")).decode()
    wrap.evaluate("w => { w.querySelector('table').style.visibility = ''; w.scrollLeft = 0; }")
    return page.evaluate(DARKEST_AT_RIGHT_EDGE_JS, png)


@pytest.mark.parametrize("name", ["home", "province", "committee", "year", "indicator", "en-year"])
def test_wide_tables_on_a_phone_scroll_with_a_sticky_first_column_and_a_cue(served: Site, browser: Browser,
                                                                            name: str) -> None:
    problems, wide_seen = [], 0
    v = visit(browser, page_url(served, name), PHONES[0], bypass_csp=True)
    for width in PHONES:
        v.page.set_viewport_size({"width": width, "height": 900})
        wide = v.page.evaluate(WIDE_TABLES_JS)
        wide_seen += len(wide)
        for i, more in wide:
            for text, left, opaque in v.page.evaluate(FIRST_COLUMN_JS, i):
                if abs(left) > 1 or not opaque:
                    problems.append(f"{width} px, table {i}: first cell {text!r} at {left} px, opaque: {opaque}")
            overrun = v.page.evaluate(CAPTION_OVERRUN_JS, i)
            if overrun > 1:
                problems.append(f"{width} px, table {i}: its caption runs {overrun} px past the visible box")
            if width == 375 and more >= CELL_PADDING:
                start = darkest_at_right_edge(v.page, i, "0")
                end = darkest_at_right_edge(v.page, i, "w.scrollWidth")
                if not (start < 215 and end > 245):
                    problems.append(f"{width} px, table {i}: right-edge cue {start:.0f} at the start, {end:.0f} at the end")
    v.page.context.close()
    if problems:
        pytest.fail("\n".join(problems[:40]), pytrace=False)
    if name in ("year", "en-year"):
        assert wide_seen >= 1  # the year table has six columns: the check above really ran
