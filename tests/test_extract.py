"""`generator extract`: scores on the development articles (cross-validated and in-sample), no
distractor reported as a bloc figure, partial periods, province-wide reports, honest drafts, JSON,
web addresses (saved pages, no network) and the Vietnamese number formats of real reports."""
from __future__ import annotations

import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.cli import main, parser
from generator.commands.extract import cmd_extract
from generator.extract import Report, Rules, extract, figures, to_json, to_yaml
from generator.extract.fetch import FetchError, download
from generator.extract.numbers import mentions, parse
from generator.extract.rules import RuleError
from generator.extract.text import fold, looks_cut_off
from generator.model.types import QUALIFIERS
from tests.extract_oracle import DISTRACTORS, FIXTURES, ROOT, Site, cross_validate, load, score

ARTICLES = FIXTURES / "articles"
HTML = FIXTURES / "html"
NOT_BLOC = ("17_hai-duong_2019.txt", "18_son-la_2020.txt")
UNPLACED = ("seed_unnamed-province_mid-term.txt",)  # a bloc, but its province is never named


@pytest.fixture(scope="module")
def site() -> Site:
    return load()


@pytest.fixture(scope="module")
def rules() -> Rules:
    return Rules.load()


def _draft(site: Site, rules: Rules, article: str):
    return extract((ARTICLES / article).read_text(encoding="utf-8"), site.registry, rules)


# -- scores --------------------------------------------------------------------------------------
def test_cross_validated_score_on_articles_the_rules_were_not_written_for(site: Site, capsys) -> None:
    total, halves = cross_validate(site)
    assert [len(articles) for articles, _ in halves] == [12, 12]
    with capsys.disabled():
        print(f"\nextract, cross-validated: {total.summary()}")
    detail = "\n".join(total.lines)
    assert total.precision >= 0.95, detail
    assert total.recall >= 0.85, detail
    assert total.distractors == []
    for what in ("province", "committee", "report", "year", "period", "cut_off"):
        ok, n = total.accuracy(what)
        assert ok == n, f"{what}: {detail}"
    # holding rules out really changes what is read: each half scores below the full rules, and holding
    # out the vocabulary judged general but noticed in an article ("general 12") scores lower still
    full = score(site, sorted(site.truth), Rules.load())
    strict, _ = cross_validate(site, strict=True)
    assert full.right > total.right > strict.right


def test_in_sample_score_and_identity(site: Site, rules: Rules) -> None:
    result = score(site, sorted(site.truth), rules)
    detail = "\n".join(result.lines)
    assert result.precision >= 0.98 and result.recall >= 0.95, detail
    for what in ("province", "committee", "report", "year", "period", "cut_off"):
        ok, n = result.accuracy(what)
        assert ok == n, f"{what}: {detail}"


@pytest.mark.parametrize("article", sorted(DISTRACTORS))
def test_no_distractor_is_reported_as_a_bloc_figure(site: Site, rules: Rules, article: str) -> None:
    truth = site.truth[article]
    found = figures(_draft(site, rules, article))
    wrong = {f for f in found if f[3] in DISTRACTORS[article] and f not in truth.figures}
    assert wrong == set()


# -- whose report -----------------------------------------------------------------------------
@pytest.mark.parametrize("article", NOT_BLOC)
def test_a_province_wide_report_is_said_so_and_gives_no_bloc_figures(site: Site, rules: Rules, article: str) -> None:
    draft = _draft(site, rules, article)
    assert draft.report is Report.OTHER_UNIT and draft.committee is None
    text = to_yaml(draft, article)
    assert "CHECK: no bloc committee" in text
    assert "organizations:" not in text and "admissions:" not in text
    assert len(draft.ignored) >= 3  # every number it saw is listed as not used


def test_a_bloc_line_of_a_province_wide_list_is_that_bloc_only(site: Site, rules: Rules) -> None:
    d19 = _draft(site, rules, "19_thai-nguyen_2020.txt")
    assert d19.report is Report.BLOC_LINE
    assert figures(d19) == {("admissions", "admitted", "count", Decimal(74))}
    d20 = _draft(site, rules, "20_binh-thuan_2019.txt")
    assert d20.percent_of_target is not None and d20.percent_of_target.qualifier == "trên"
    assert figures(d20) == {("admissions", "percent_of_target", "pct", Decimal(100))}
    assert "CHECK: a figure of the bloc's line is said of several units at once (“Đảng bộ huyện Hàm Thuận Nam," \
        in to_yaml(d20, "20")
    d16 = _draft(site, rules, "16_quang-nam_2024.txt")
    assert d16.target_only and [(t.metric, t.value, t.period) for t in d16.targets] == [
        ("admissions", Decimal(155), "2024")]
    assert "CHECK: a province-wide report" in to_yaml(d16, "16")


UNITS = ("Hội An", "Điện Bàn", "Đại Lộc", "Duy Xuyên", "Bắc Trà My", "Công an", "Quân sự", "Núi Thành")


@settings(max_examples=40, deadline=None)
@given(others=st.lists(st.tuples(st.sampled_from(UNITS), st.integers(10, 400)), min_size=2, max_size=6,
                       unique_by=lambda u: u[0]),
       at=st.integers(0, 6), count=st.integers(11, 399), tail=st.booleans())
def test_a_bloc_in_a_list_of_units_and_their_figures_is_that_bloc_only(
        site: Site, rules: Rules, others, at, count, tail) -> None:
    items = [f"{name} {n}" for name, n in others]
    items.insert(min(at, len(items)), f"Đảng bộ Khối các cơ quan tỉnh kết nạp {count} đảng viên mới")
    text = ("Năm 2023, các đảng bộ trực thuộc Tỉnh ủy Quảng Nam kết nạp đảng viên mới. Cụ thể: "
            + "; ".join(items[:-1]) + (" và " if tail else "; ") + items[-1] + ".")
    draft = extract(text, site.registry, rules)
    assert draft.report is Report.BLOC_LINE
    assert figures(draft) == {("admissions", "admitted", "count", Decimal(count))}


DISTRICTS = ("Hàm Thuận Nam", "Phú Quý", "Tánh Linh", "Tuy Phong", "Bắc Bình", "Đức Linh")


@settings(max_examples=30, deadline=None)
@given(names=st.lists(st.sampled_from(DISTRICTS), min_size=0, max_size=4, unique=True), pct=st.integers(90, 130))
def test_a_figure_shared_by_several_units_of_a_list_says_so(site: Site, rules: Rules, names, pct) -> None:
    listed = ", ".join(f"huyện {n}" for n in names)
    text = ("Từ đầu năm 2019 đến nay, toàn Đảng bộ tỉnh Bình Thuận kết nạp được 1.669 đảng viên, trong đó có "
            + (f"Đảng bộ {listed} và " if names else "")
            + f"Đảng bộ Khối cơ quan và doanh nghiệp tỉnh kết nạp đảng viên mới đạt {pct}% so với chỉ tiêu.")
    draft = extract(text, site.registry, rules)
    assert draft.report is Report.BLOC_LINE
    assert figures(draft) == {("admissions", "percent_of_target", "pct", Decimal(pct))}
    shared = [c for c in draft.checks if "said of several units at once" in c]
    assert len(shared) == (1 if names else 0)
    assert all(n in shared[0] for n in names) if names else True
    alone = text.split("trong đó có")[0] + "trong đó huyện Tánh Linh 50 đảng viên và Đảng bộ Khối" + text.split("Khối")[1]
    assert not any("said of several units at once" in c for c in extract(alone, site.registry, rules).checks)


def test_a_list_of_levels_is_not_a_list_of_units(site: Site, rules: Rules) -> None:
    text = ("Năm 2023, Đảng ủy Khối các cơ quan tỉnh Quảng Nam có 26 TCCSĐ hoàn thành xuất sắc nhiệm vụ; "
            "102 TCCSĐ hoàn thành tốt nhiệm vụ; 3 TCCSĐ hoàn thành nhiệm vụ.")
    draft = extract(text, site.registry, rules)
    assert draft.report is Report.BLOC and draft.level("organizations", "good") is not None
    clauses = ("Năm 2023, Đảng bộ Khối các cơ quan tỉnh Quảng Nam kết nạp 120 đảng viên mới; đạt 105% kế hoạch; "
               "vượt 6 đảng viên.")  # clauses that start in lower case are not units
    assert extract(clauses, site.registry, rules).report is Report.BLOC


@pytest.mark.parametrize("joined", ["và", "&", "-", " - ", " – ", "/"])
def test_the_two_halves_of_a_committee_name_may_be_joined_by_any_connector(site: Site, rules: Rules, joined) -> None:
    words = f"Cơ quan {joined.strip()} Doanh nghiệp" if joined.startswith(" ") or joined == "và" \
        else f"Cơ quan{joined}Doanh nghiệp"
    text = f"Năm 2021, Đảng ủy Khối {words} tỉnh Ninh Thuận kết nạp mới 152 đảng viên."
    assert extract(text, site.registry, rules).committee_kind == "khoi_co_quan_va_doanh_nghiep"


@settings(max_examples=20, deadline=None)
@given(plan=st.integers(100, 500), done=st.integers(11, 99), verb=st.sampled_from(["kết nạp mới", "phát triển"]))
def test_what_will_be_done_is_a_target_not_a_result(site: Site, rules: Rules, plan, done, verb) -> None:
    text = (f"SOURCE: https://example.org/a | Báo Đồng Nai | 2017-04-03\nNăm 2017 Đảng ủy khối các cơ quan tỉnh "
            f"Đồng Nai sẽ {verb} {plan} đảng viên, bằng 6,6% số đảng viên cuối năm 2016. Kết quả, trong quý I, "
            f"Đảng ủy khối đã kết nạp được {done} đảng viên mới.")
    draft = extract(text, site.registry, rules)
    assert draft.admitted is not None and draft.admitted.count == done
    assert (draft.year, draft.period.kind) == (2017, "quarter")
    assert [(t.metric, t.value) for t in draft.targets] == [("admissions", Decimal(plan))]


# -- periods --------------------------------------------------------------------------------------
PERIODS = [  # (words, kind, number, last day) as Vietnamese reports write them
    ("Quý I", "quarter", 1, "03-31"), ("quý 2", "quarter", 2, "06-30"), ("Quý III", "quarter", 3, "09-30"),
    ("6 tháng đầu năm", "half_year", 1, "06-30"), ("Sáu tháng đầu năm", "half_year", 1, "06-30"),
    ("9 tháng", "nine_months", None, "09-30"), ("Từ đầu năm đến nay", "to_date", None, None),
    ("Tính đến ngày 15/8", "to_date", None, "08-15"),
]


@settings(max_examples=40, deadline=None)
@given(period=st.sampled_from(PERIODS), year=st.integers(2015, 2024), count=st.integers(11, 999),
       plan=st.booleans())
def test_partial_periods_are_carried_into_the_draft(site: Site, rules: Rules, period, year, count, plan) -> None:
    words, kind, number, until = period
    text = (f"{words} năm {year}, Đảng ủy Khối các cơ quan tỉnh Nghệ An kết nạp được {count} đảng viên mới."
            + (" Hội nghị triển khai nhiệm vụ 6 tháng cuối năm và quý IV." if plan else ""))
    draft = extract(text, site.registry, rules)
    assert (draft.period.kind, draft.period.number, draft.year) == (kind, number, year)
    assert draft.admitted is not None and draft.admitted.count == count
    if until:
        assert draft.period.until is not None and draft.period.until.isoformat() == f"{year}-{until}"
    assert "period:" in to_yaml(draft, "x") and f"kind: {kind}" in to_yaml(draft, "x")


def test_the_next_periods_plan_is_not_the_period_of_the_results(site: Site, rules: Rules) -> None:
    text = ("Năm 2022, Đảng ủy Khối các cơ quan tỉnh Nghệ An kết nạp được 120 đảng viên mới. "
            "Hội nghị triển khai nhiệm vụ quý I năm 2023.")
    draft = extract(text, site.registry, rules)
    assert draft.period.is_full_year and draft.year == 2022


def test_a_targets_year_is_not_the_results_year(site: Site, rules: Rules) -> None:
    text = ("Năm 2022, Đảng ủy Khối các cơ quan tỉnh Nghệ An kết nạp được 150 đảng viên mới. "
            "Năm 2023, phấn đấu kết nạp mới 160 đảng viên. Mục tiêu năm 2023 kết nạp 160 đảng viên trở lên.")
    draft = extract(text, site.registry, rules)
    assert draft.year == 2022 and draft.admitted is not None and draft.admitted.count == 150
    assert {t.period for t in draft.targets} == {"2023"}


# -- honest drafts -----------------------------------------------------------------------------
@pytest.mark.parametrize("article", sorted(p.name for p in ARTICLES.glob("*.txt")))
def test_header_comments_are_clean(site: Site, rules: Rules, article: str) -> None:
    lines = to_yaml(_draft(site, rules, article), article).splitlines()
    year = next(line for line in lines if line.startswith("# year: "))
    period = next(line for line in lines if line.startswith("# period: "))
    assert re.fullmatch(r"# year: (“[^”]*(19|20)\d\d”|no year stated for the results; published .*|not found)", year), year
    assert re.fullmatch(r"# period: (the full year \(no partial-period words in the article\)"
                        r"|[a-z -]+( \d)?, from “[^”]+”)", period), period
    assert all(len(line) < 400 for line in lines if line.startswith("# ") and not line.startswith("#   "))


def test_every_inference_says_check(site: Site, rules: Rules) -> None:
    no_year = ("SOURCE: https://example.org/a | Báo Nghệ An | 2023-02-10\nĐảng ủy Khối các cơ quan tỉnh Nghệ An "
               "tổng kết công tác xây dựng Đảng. Có 40 tổ chức cơ sở đảng hoàn thành xuất sắc nhiệm vụ; "
               "120 tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ và 5 tổ chức cơ sở đảng hoàn thành nhiệm vụ.")
    draft = extract(no_year, site.registry, rules)
    assert draft.year == 2022 and draft.year_inferred
    text = to_yaml(draft, "x")
    assert "# CHECK: the year is inferred" in text
    assert "# CHECK: the article lists the levels side by side" in text  # good vs excellent: a reading
    stated = extract(no_year.replace("tổng kết công tác", "tổng kết công tác năm 2022,"), site.registry, rules)
    assert not stated.year_inferred and "the year is inferred" not in to_yaml(stated, "x")


@settings(max_examples=30, deadline=None)
@given(cut=st.floats(0.3, 0.95))
def test_a_text_cut_mid_sentence_is_flagged(cut: float) -> None:
    text = (ARTICLES / "06_bac-lieu_2023.txt").read_text(encoding="utf-8")
    assert looks_cut_off(text) is None
    body = text[: int(len(text) * cut)].rstrip()
    body = body.rstrip(".!?…”\")") + " và"  # make sure the cut falls inside a sentence
    assert looks_cut_off(body) is not None


def test_a_cut_off_article_says_so_in_the_draft(site: Site, rules: Rules) -> None:
    text = to_yaml(_draft(site, rules, "02_ninh-thuan_2021.txt"), "02")
    assert "# CHECK: the text looks cut off (it ends “…" in text


def test_json_for_tools(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["extract", str(ARTICLES / "02_ninh-thuan_2021.txt"), str(ARTICLES / "17_hai-duong_2019.txt"),
                 "--site", str(ROOT), "--json"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert [d["report"] for d in data] == ["bloc", "other_unit"]
    first = data[0]
    assert (first["province"], first["committee"], first["year"]) == (
        "ninh-thuan", "khoi-co-quan-va-doanh-nghiep", 2021)
    admissions = first["admissions"]
    assert admissions["admitted"]["count"] == 152 and admissions["percent_of_target"]["percent"] == 101.3
    assert admissions["target"]["count"] == 150  # "152/150": admitted / target
    assert first["blocks"]["organizations"]["good"]["percent"] == 91.4
    assert first["good_includes_excellent"]["organizations"]["value"] is True
    assert first["cut_off"] and any("cut off" in c for c in first["checks"])


# -- from a web address (saved pages; no network) -------------------------------------------------
ADDRESS = "https://tab.baohaiduong.vn/tin-tuc/dang-bo-khoi-cac-co-quan-tinh-ket-nap-vuot-chi-tieu-9-dang-vien-220510"


def _saved(name: str):
    def fetcher(url: str) -> str:
        return (HTML / name).read_text(encoding="utf-8")
    return fetcher


def _site_copy(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(ROOT, site, ignore=shutil.ignore_patterns("output", ".git", "tests", "records", ".cache"))
    (site / "content/records").mkdir()
    return site


def test_from_an_address_the_page_gives_text_and_source(tmp_path: Path, capsys, monkeypatch) -> None:
    site = _site_copy(tmp_path)
    monkeypatch.chdir(tmp_path)
    args = parser().parse_args(["extract", ADDRESS, "--site", str(site), "--write"])
    assert cmd_extract(args, fetcher=_saved("baohaiduong_2022-11-29.html")) == 0
    record = site / "content/records/hai-duong/khoi-cac-co-quan/2022-to-date.yaml"
    draft = record.read_text(encoding="utf-8")
    assert f"url: {ADDRESS}" in draft and 'publisher: "Báo Hải Dương"' in draft and "published: 2022-11-29" in draft
    assert 'title: "Đảng bộ Khối các cơ quan tỉnh kết nạp vượt chỉ tiêu 9 đảng viên"' in draft
    assert "admitted: {count: 139" in draft
    kept = record.with_suffix(".article.txt").read_text(encoding="utf-8")
    assert kept.startswith(f"SOURCE: {ADDRESS} | Báo Hải Dương | 2022-11-29")
    for quote in re.findall(r'quote: "([^"]+)"', draft):  # every quote is in the kept text
        assert quote in kept
    assert "Đọc nhiều" not in kept and "Giấy phép" not in kept  # page furniture left out
    assert main(["check", "--site", str(site)]) in (0, 1)  # the draft is a record the site can read


def test_a_page_without_an_article_is_one_clear_error(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    args = parser().parse_args(["extract", ADDRESS, "--site", str(ROOT)])
    assert cmd_extract(args, fetcher=_saved("no_article.html")) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"{ADDRESS}: error: no article text")


def test_a_network_error_is_one_clear_line(capsys) -> None:
    def unreachable(url: str) -> str:
        return download("http://127.0.0.1:9/article")  # nothing listens there: refused at once

    args = parser().parse_args(["extract", ADDRESS, "--site", str(ROOT)])
    assert cmd_extract(args, fetcher=unreachable) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "error: the page could not be fetched" in err[0]
    with pytest.raises(FetchError):
        download("http://127.0.0.1:9/article")


# -- rules -------------------------------------------------------------------------------------
def test_rules_are_read_by_name_and_held_out_alternatives_are_dropped(rules: Rules, tmp_path: Path) -> None:
    phrase = "hoan thanh tot, hoan thanh xuat sac nhiem vu"
    assert rules.rx("levels.good_or_above").search(phrase)
    assert not Rules.load(held_out=frozenset({"04"})).rx("levels.good_or_above").search(phrase)
    assert Rules.load(held_out=frozenset({"04"})).rx("levels.good").search("hoan thanh tot nhiem vu")  # general
    with pytest.raises(RuleError, match="no rule named 'levels.great'"):
        rules.rx("levels.great")
    bad = tmp_path / "rules.yaml"
    bad.write_text("levels:\n  good:\n    - ['hoan thanh (tot', general]\n", encoding="utf-8")
    with pytest.raises(RuleError, match="rule 'levels.good' is not a valid pattern"):
        Rules.load(path=bad)
    bad.write_text("levels:\n  good:\n    - 'hoan thanh tot'\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"should be \[pattern, from\]"):
        Rules.load(path=bad)


def test_strict_scoring_holds_out_general_vocabulary_with_the_article_it_was_noticed_in(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("a:\n  - ['plain', general]\n  - ['noticed', general 12]\n  - ['quirk', '12']\n",
                    encoding="utf-8")
    held_out = frozenset({"12"})
    assert [bool(Rules.load(held_out, path).rx("a").search(w)) for w in ("plain", "noticed", "quirk")] == [
        True, True, False]
    assert [bool(Rules.load(held_out, path, strict=True).rx("a").search(w)) for w in ("plain", "noticed", "quirk")] \
        == [True, False, False]
    assert [bool(Rules.load(frozenset({"03"}), path, strict=True).rx("a").search(w))
            for w in ("plain", "noticed", "quirk")] == [True, True, True]


def test_every_tag_in_the_rules_is_a_development_article(site: Site, rules: Rules) -> None:
    from tests.extract_oracle import tag
    assert rules.tags <= {tag(a) for a in site.truth}


def test_names_without_diacritics_and_abbreviations(site: Site, rules: Rules) -> None:
    text = ("Dang uy Khoi CQ&DN tinh Phu Tho tong ket cong tac nam 2023. Ket qua, 120/125 TCCSD hoan thanh tot "
            "nhiem vu tro len; 5 TCCSD hoan thanh nhiem vu. Ket nap 150 dang vien moi, dat 107,1% chi tieu.")
    draft = extract(text, site.registry, rules)
    assert (draft.province, draft.committee_kind, draft.year) == ("phu-tho", "khoi_co_quan_va_doanh_nghiep", 2023)
    got = figures(draft)
    assert ("organizations", "good", "count", Decimal(120)) in got
    assert ("admissions", "percent_of_target", "pct", Decimal("107.1")) in got


def test_a_share_of_members_is_not_a_percent_of_target(site: Site, rules: Rules) -> None:
    text = "Đảng ủy Khối các cơ quan tỉnh Nghệ An: năm 2016 kết nạp mới 350 đảng viên, bằng 6,6% số đảng viên."
    draft = extract(text, site.registry, rules)
    assert draft.admitted is not None and draft.admitted.count == 350 and draft.percent_of_target is None


def test_totals_carry_when_they_hold(site: Site, rules: Rules) -> None:
    draft = _draft(site, rules, "10_thai-nguyen_2020.txt")
    assert draft.level("members", "total") is not None and draft.level("members", "total").count == 5356
    assert "term" in draft.totals_as_of["members"]
    assert "# members total as of: the start of the term" in to_yaml(draft, "10")
    assert to_json(draft, "10")["totals_as_of"]["organizations"].startswith("the publication date")


@settings(max_examples=30, deadline=None)
@given(a=st.integers(1, 1500), b=st.integers(1, 1500), first=st.sampled_from(["đảng bộ", "chi bộ"]),
       tail=st.sampled_from(["", " cơ sở", " cơ sở trực thuộc"]), near=st.booleans())
def test_a_total_given_as_its_parts_is_summed_and_marked_derived(
        site: Site, rules: Rules, a: int, b: int, first: str, tail: str, near: bool) -> None:
    second = "chi bộ" if first == "đảng bộ" else "đảng bộ"
    written = f"{a:,}".replace(",", ".")
    text = (f"Năm 2020, Đảng bộ Khối các cơ quan tỉnh Nam Định hiện có {'gần ' if near else ''}{written} {first} "
            f"và {b} {second}{tail} với trên 8.600 đảng viên.")
    draft = extract(text, site.registry, rules)
    total = draft.level("organizations", "total")
    assert total is not None and total.count == a + b and total.qualifier == ("gần" if near else None)
    assert "organizations.total" in to_json(draft, "x")["derived"]
    assert f"# CHECK: derived (summed), not stated: {a} + {b} = {a + b}" in to_yaml(draft, "x")
    assert any("summed" in c for c in draft.checks)
    stated = extract(text.replace(f" {first} và {b} {second}", " tổ chức cơ sở đảng"), site.registry, rules)
    assert to_json(stated, "x")["derived"] == {}


def test_awards_keep_the_year_they_are_for(site: Site, rules: Rules) -> None:
    draft = _draft(site, rules, "seed_tra-vinh_2022.txt")
    assert draft.awards and all(a.year == 2022 for a in draft.awards)


def test_every_draft_passes_check_once_written(tmp_path: Path) -> None:
    site = _site_copy(tmp_path)
    for article in sorted(ARTICLES.glob("*.txt")):
        code = main(["extract", str(article), "--site", str(site), "--write"])
        assert code == (1 if article.name in NOT_BLOC + UNPLACED else 0), article.name
    written = sorted(p.relative_to(site).as_posix() for p in (site / "content/records").rglob("*.yaml"))
    assert "content/records/tra-vinh/khoi-co-quan-va-doanh-nghiep/2022.yaml" in written
    assert "content/records/thai-nguyen/khoi-cac-co-quan/2020-q1.yaml" in written
    assert len(written) == len(list(ARTICLES.glob("*.txt"))) - len(NOT_BLOC) - len(UNPLACED)
    unregistered = 0
    for path in (site / "content/records").rglob("*.yaml"):  # the person resolves what is flagged
        text = path.read_text(encoding="utf-8")
        if "committee in content/committees.yaml yet" in text:  # flagged: the committee must be added first
            path.unlink()
            unregistered += 1
            continue
        text = text.replace("url: CHECK-missing", "url: https://example.org/article")
        text = text.replace('publisher: "CHECK-missing"', 'publisher: "Báo"').replace(
            "published: CHECK-missing", "published: 2023-02")
        path.write_text(text, encoding="utf-8")
    assert unregistered < len(written) / 2  # every bloc in the articles is now in the registry
    assert main(["check", "--site", str(site)]) == 0
    # never over an existing record
    assert main(["extract", str(ARTICLES / "seed_lam-dong_2019.txt"), "--site", str(site), "--write"]) == 1


# -- the number parser: every format listed in the reporting vocabulary -------------------------
@pytest.mark.parametrize("text,value", [
    ("4.740", 4740), ("5.356", 5356), ("36.607", 36607), ("1.905", 1905), ("6.027", 6027),
    ("91,4", Decimal("91.4")), ("101,3", Decimal("101.3")), ("0,57", Decimal("0.57")), ("79,85", Decimal("79.85")),
    ("05", 5), ("06", 6), ("6 ngàn", 6000), ("6,5 vạn", 65000), ("2.000", 2000),
])
def test_parse(text: str, value: object) -> None:
    assert parse(text) == Decimal(value)


@pytest.mark.parametrize("text,expected", [
    ("91,4% TCCS Đảng và 98% đảng viên", [("91.4", None, True, None), ("98", None, True, None)]),
    ("05/85 tổ chức", [("5", "85", False, None)]),
    ("kết nạp mới 152/150 đảng viên", [("152", "150", False, None)]),
    ("9/9 chỉ tiêu", [("9", "9", False, None)]),
    ("662 trong tổng số 686", [("662", "686", False, None)]),
    ("đợt 03/02/2024", []), ("ngày 22/01/2021", []), ("Sáng 14/1", []), ("Sáng 6.1", []),
    ("nhiệm kỳ 2020-2025", []), ("giai đoạn 2016 -2020", []), ("nhiệm kỳ 2022 - 2025", []),
    ("từ 180 - 200 đảng viên", [("180", None, False, None), ("200", None, False, None)]),
    ("trên 8.600 đảng viên", [("8600", None, False, "trên")]), ("gần 2.680", [("2680", None, False, "gần")]),
    ("gần 120", [("120", None, False, "gần")]), ("gần gần 7.000", [("7000", None, False, "gần")]),
    ("hơn 500", [("500", None, False, "hơn")]), ("gần 6 ngàn", [("6000", None, False, "gần")]),
    ("trên 6,5 vạn đảng viên", [("65000", None, False, "trên")]),
    ("(đạt 233,5% )", [("233.5", None, True, None)]), ("(vượt 0,5%)", [("0.5", None, True, None)]),
    ("vượt chỉ tiêu 9 đảng viên", [("9", None, False, None)]), ("phòng, chống dịch Covid-19", []),
    ("năm 2021 có 4.740 đảng viên", [("4740", None, False, None)]),
])
def test_mentions(text: str, expected: list[tuple]) -> None:
    got = [(format(m.value.normalize(), "f"), format(m.of.normalize(), "f") if m.of else None, m.percent, m.qualifier)
           for m in mentions(text)]
    assert got == expected


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 9_999_999))
def test_thousands_written_the_vietnamese_way(n: int) -> None:
    written = f"{n:,}".replace(",", ".")
    assert parse(written) == n
    assert [m.value for m in mentions(f"có {written} đảng viên")] == [n]


@settings(max_examples=40, deadline=None)
@given(word=st.sampled_from([q for q in QUALIFIERS if q != "trở lên"]), plain=st.booleans(),
       upper=st.booleans(), n=st.integers(2, 9999))
def test_an_approximation_word_is_the_models_qualifier(word: str, plain: bool, upper: bool, n: int) -> None:
    written = fold(word) if plain else word
    written = written.capitalize() if upper else written
    assert [m.qualifier for m in mentions(f"có {written} {n} đảng viên")] == [word]
