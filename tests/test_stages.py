"""The stages keep no hidden state: renderers are made per build from what they are given, worker
processes receive their work as arguments (fork or spawn alike), `serve`'s caches follow every input
they depend on, and the search index and downloads read the one site index."""
from __future__ import annotations

import os
import re
import sys
from importlib.metadata import PackageNotFoundError
from pathlib import Path

import jinja2
import pytest

import generator
from generator.cache import BuildCache
from generator.cli import main
from generator.load.content_pages import for_language
from generator.load.records import RecordCache
from generator.load.site import load_site
from generator.model.derive import ROWS, derive_all
from generator.model.indicators import INDICATORS
from generator.model.problems import Problem, Problems
from generator.model.types import BLOCK_FIGURES, BLOCKS, COMMITTEE_KINDS, PERIOD_KINDS
from generator.output.search_index import expand
from generator.pipeline import build
from generator.plan.index import build_index
from generator.plan.page import PlannedPage
from generator.plan.planner import plan
from generator.plan.search import KIND_RANK
from generator.render.labels import LANGUAGES, THEME, Language, load_labels
from generator.render.renderer import Renderer, RenderSettings, render_pages, stream_pages
from tests.helpers import shared_out_counted

TRA_VINH_NAME = "Trà Vinh"


@pytest.fixture
def site(test_site_at_root: Path) -> Path:
    """The small test site at /: 126 pages are plenty for two workers, and a stage works alike on any size."""
    return test_site_at_root


def _renderer_and_pages(site: Path) -> tuple[Renderer, list[PlannedPage]]:
    loaded = load_site(site, Problems())
    assert loaded is not None
    index = build_index(loaded.registry, derive_all(loaded.records))
    labels = load_labels("en")
    content_pages = for_language(loaded.content_pages, "en")
    renderer = Renderer(RenderSettings(loaded.config, labels, "en", index, content_pages, False))
    return renderer, plan(index, labels, content_pages).pages


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_worker_processes_render_what_one_process_renders(site: Path, method: str) -> None:
    renderer, planned = _renderer_and_pages(site)
    assert len(planned) >= 24  # enough pages to use the workers
    alone = render_pages(renderer, planned)
    assert render_pages(renderer, planned, workers=2, method=method) == alone  # type: ignore[arg-type]


def test_templates_are_compiled_once_before_the_workers_start(site: Path) -> None:
    """The workers inherit the templates compiled, and the bytecode kept for the next build holds every
    template whoever rendered the pages (before, each worker compiled its own and the parent kept none)."""
    loaded_renderer, planned = _renderer_and_pages(site)
    compiled = _Compiled()
    renderer = Renderer(loaded_renderer.settings, compiled)
    list(stream_pages(renderer, planned, workers=2, method="fork"))
    theme = sorted(p.name for p in (THEME / "templates").glob("*.html"))
    assert len(compiled.store) == len(theme) > 10


class _Compiled(jinja2.BytecodeCache):
    """The templates compiled in this process (not a MemoryBytecodeCache: this test session hands those
    the templates any earlier build compiled, see conftest)."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        pass

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


class _DiesInWorkers(Renderer):
    """A renderer whose worker processes die before they send anything back."""

    parent = os.getpid()

    def render_one(self, page: PlannedPage) -> bytes | Problem:
        if os.getpid() != self.parent:
            os._exit(1)
        return super().render_one(page)


def test_pages_of_a_worker_that_died_are_rendered_all_the_same(site: Path) -> None:
    renderer, planned = _renderer_and_pages(site)
    alone = render_pages(renderer, planned)
    dying = _DiesInWorkers(renderer.settings)
    assert render_pages(dying, planned, workers=2, method="fork") == alone


@pytest.mark.skipif(sys.platform == "win32", reason="records are read by forked workers only where there is fork")
def test_records_read_by_workers_are_the_records_read_here(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A first build reads many record files in worker processes: the same records, in the same order,
    with the same problems (a broken file among them)."""
    broken = site / "content/records/broken.yaml"
    broken.write_text("province: tra-vinh\nyear: [\n", encoding="utf-8")
    here, kept_here = Problems(), RecordCache()
    alone = load_site(site, here, cache=kept_here, workers=1)
    assert alone is not None and len(alone.records) > 10
    shared = shared_out_counted(monkeypatch)
    there, kept_there = Problems(), RecordCache()
    assert load_site(site, there, cache=kept_there, workers=2) == alone
    assert kept_there.files == kept_here.files  # each file's record kept under its own name
    assert there.sorted() == here.sorted() and any(p.path.endswith("broken.yaml") for p in here.items)
    assert shared == [len(list((site / "content/records").rglob("*.yaml")))]


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_serve_cache_follows_a_renamed_province_into_the_downloads(site: Path) -> None:
    cache, out = BuildCache(), site / "served"
    assert build(site, Problems(), output=out, cache=cache) is not None
    assert TRA_VINH_NAME in (out / "data/records.csv").read_text(encoding="utf-8-sig")
    _replace(site / "content/provinces.yaml", f"name: {TRA_VINH_NAME}\n", "name: Trà Vinh (đổi tên)\n")
    assert build(site, Problems(), output=out, cache=cache) is not None
    for name in ("data/records.csv", "data/provinces/tra-vinh.csv"):
        assert "Trà Vinh (đổi tên)" in (out / name).read_text(encoding="utf-8-sig"), name
    assert "Trà Vinh (đổi tên)" in (out / "data/records.json").read_text(encoding="utf-8")


def test_serve_rebuilds_show_the_content_pages_of_that_build(site: Path) -> None:
    cache, out = BuildCache(), site / "served"
    assert build(site, Problems(), output=out, cache=cache) is not None
    (site / "content/pages/lich-su.md").write_text("---\ntitle: Lịch sử khối\n---\nNội dung.\n", encoding="utf-8")
    assert build(site, Problems(), output=out, cache=cache) is not None
    assert "Lịch sử khối" in (out / "index.html").read_text(encoding="utf-8")
    assert "Lịch sử khối" in (out / "404.html").read_text(encoding="utf-8")
    (site / "content/pages/lich-su.md").unlink()
    assert build(site, Problems(), output=out, cache=cache) is not None
    assert "Lịch sử khối" not in (out / "index.html").read_text(encoding="utf-8")
    assert not (out / "lich-su").exists()


def test_serve_reads_the_registry_articles_and_pages_again_only_when_a_file_of_theirs_changed(
        site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """They are taken from the cache while no file under content/ but the records changed, with the
    problems found in them then: a mistake in a content page is told at every rebuild (and fails it),
    not only the first. A record edit reads none of them again; any other edit under content/ reads
    them all."""
    from generator.load import site as site_mod

    page = site / "content/pages/lich-su.md"
    page.write_text("---\ntitle: Lịch sử\nsummary: không có khoá này\n---\nNội dung.\n", encoding="utf-8")
    cache, out = BuildCache(), site / "served"
    read = {"registry": 0, "pages": 0}
    for what, module, name in (("registry", site_mod.registry_mod, "load"), ("pages", site_mod, "load_pages")):
        original = getattr(module, name)

        def counted(*args: object, _what: str = what, _original: object = original) -> object:
            read[_what] += 1
            return _original(*args)  # type: ignore[operator]
        monkeypatch.setattr(module, name, counted)

    def rebuilt() -> list[str]:
        problems = Problems()
        assert build(site, problems, output=out, cache=cache) is None
        return [p.path for p in problems.errors]

    assert rebuilt() == ["content/pages/lich-su.md"] and read == {"registry": 1, "pages": 1}
    _replace(site / "content/records/tra-vinh/khoi-co-quan-va-doanh-nghiep/2022.yaml", "year: 2022", "year: 2022 ")
    assert rebuilt() == ["content/pages/lich-su.md"] and read == {"registry": 1, "pages": 1}
    committees = site / "content/committees.yaml"
    committees.write_text(committees.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    assert rebuilt() == ["content/pages/lich-su.md"] and read == {"registry": 2, "pages": 2}


def test_search_page_and_index_list_the_same_entries_for_every_unit(site: Path) -> None:
    out = site / "out"
    assert build(site, Problems(), output=out) is not None
    loaded = load_site(site, Problems())
    assert loaded is not None
    for prefix in ("", "en/"):
        items = expand((out / prefix / "search-index.json").read_bytes())
        page = (out / prefix / "search/index.html").read_text(encoding="utf-8")
        listed = re.findall(r'<li><a href="/([^"]*)"', page[page.index('id="search-all"'):])
        assert [i["u"].lstrip("/") for i in items] == listed
        urls = {i["u"] for i in items}
        for slug in loaded.registry.slugs():  # every unit, with or without records
            assert f"/{prefix}provinces/{slug}/" in urls
        for c in loaded.registry.committees.values():
            assert f"/{prefix}provinces/{c.province}/{c.id}/" in urls


def test_version_is_the_one_in_pyproject(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    root = Path(__file__).resolve().parent.parent
    # The [project] table's version line (tomllib is Python 3.11+; the package supports 3.10).
    found = re.search(r'^version = "([^"]+)"', (root / "pyproject.toml").read_text(encoding="utf-8"), re.M)
    assert found
    expected = found.group(1)
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.split() == ["python", "-m", "generator", expected]

    def not_installed(name: str) -> str:
        raise PackageNotFoundError(name)

    monkeypatch.setattr(generator, "version", not_installed)
    assert generator._version() == expected  # a source checkout reads pyproject.toml itself



@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_every_domain_value_has_its_words_in_each_language(lang: Language) -> None:
    labels = load_labels(lang)
    assert set(BLOCKS) <= set(labels["blocks"])
    assert set(BLOCK_FIGURES) | set(ROWS) <= set(labels["fields"])
    assert set(PERIOD_KINDS) <= set(labels["periods"])
    assert set(COMMITTEE_KINDS) <= set(labels["kinds"])
    assert {f"kind_{kind}" for kind in KIND_RANK} <= set(labels["site"])
    assert {ind.unit for ind in INDICATORS} <= set(labels["units"])
    assert {ind.measure for ind in INDICATORS} | {ind.block for ind in INDICATORS if ind.block} <= (
        set(labels["fields"]) | set(labels["blocks"]))


def test_pages_are_on_disk_as_soon_as_they_are_rendered(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each page is in the staging folder before the next is rendered: the output is never held
    whole in memory."""
    out = site / "streamed"
    on_disk: list[int] = []

    class Counting(Renderer):
        def render_one(self, page: PlannedPage) -> bytes | Problem:
            on_disk.append(sum(1 for _ in site.glob(".streamed.build-*/**/*.html")))
            return super().render_one(page)

    monkeypatch.setattr("generator.pipeline.Renderer", Counting)
    assert build(site, Problems(), output=out, workers=1) is not None
    assert len(on_disk) >= 24 and on_disk == list(range(on_disk[0], on_disk[0] + len(on_disk)))
