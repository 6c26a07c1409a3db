"""site.yaml: the portal's settings, typed and checked."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from generator.load import yamlfile
from generator.load.reader import Reader
from generator.load.yamlfile import YMap
from generator.model.problems import Problems, Severity

CONFIG_FILE = "site.yaml"
KEYS = ("title", "description", "language", "base_url", "output_dir", "chartjs", "link_check",
        "staging", "allow_raw_html", "cname", "templates")
CHARTJS_KEYS = ("package", "version", "file", "integrity", "cdn")


@dataclass(frozen=True)
class ChartJs:
    package: str
    version: str
    file: str
    integrity: str
    cdn: str

    @property
    def url(self) -> str:
        return f"{self.cdn.rstrip('/')}/{self.package}@{self.version}/{self.file}"


@dataclass(frozen=True)
class Config:
    root: Path
    title: str
    description: str
    base_url: str  # always ends with "/"
    output_dir: Path
    chartjs: ChartJs
    language: str = "vi"
    link_check: Severity = "error"
    staging: bool = False
    allow_raw_html: bool = False
    cname: str | None = None
    templates: dict[str, str] | None = None  # page type -> template file name overrides

    @property
    def base_path(self) -> str:
        """The path part of base_url: "/" or "/portal/"."""
        match = re.match(r"^[a-z]+://[^/]+(/.*)?$", self.base_url)
        path = (match.group(1) or "/") if match else self.base_url
        return path if path.endswith("/") else path + "/"

    def with_base_url(self, url: str) -> Config:
        return replace(self, base_url=url if url.endswith("/") else url + "/")


def _base_url(r: Reader, m: YMap) -> str:
    text = r.text(m, "base_url") or "/"
    if not (text.startswith("/") or re.match(r"https?://[^/\s]+(/\S*)?$", text)):
        r.error(m.where("base_url"), f"base_url '{text}' is neither a path nor a web address",
                "use / or https://example.org/portal/")
        return "/"
    return text if text.endswith("/") else text + "/"


def load(root: Path, problems: Problems) -> Config | None:
    display = CONFIG_FILE
    data = yamlfile.load(root / display, display, problems)
    if data is None:
        return None
    r = Reader(display, problems)
    if not isinstance(data, YMap):
        r.error((1, 1), "site.yaml should be a group of 'key: value' lines", "see docs/configuration.md")
        return None
    r.keys(data, KEYS, ("title", "chartjs"), "in site.yaml")
    cj = r.mapping(data.get("chartjs"), data.where("chartjs"), "'chartjs'")
    chartjs = None
    if cj is not None:
        r.keys(cj, CHARTJS_KEYS, CHARTJS_KEYS, "in 'chartjs'")
        values = {k: r.text(cj, k) for k in CHARTJS_KEYS}
        integrity = values["integrity"] or ""
        if integrity and not re.fullmatch(r"sha(256|384|512)-[A-Za-z0-9+/]+=*", integrity):
            r.error(cj.where("integrity"), "chartjs integrity is not an SRI hash",
                    "write it as sha384-<base64 of the file's SHA-384 digest>")
        texts = {k: v for k, v in values.items() if v}
        if len(texts) == len(CHARTJS_KEYS):
            chartjs = ChartJs(**texts)
    templates = None
    tm = r.mapping(data.get("templates"), data.where("templates"), "'templates'")
    if tm is not None:
        templates = {k: v for k in tm if (v := r.text(tm, k))}
    output = r.text(data, "output_dir") or "output"
    if ".." in Path(output).parts:
        r.error(data.where("output_dir"), "output_dir may not leave the site folder", "use e.g. output")
        output = "output"
    title, description = r.text(data, "title") or "", r.text(data, "description") or ""
    base_url = _base_url(r, data)
    language = r.choice(data, "language", ("vi",)) or "vi"
    link_check: Severity = r.choice(data, "link_check", ("error", "warning")) or "error"
    staging, allow_raw_html = bool(r.boolean(data, "staging")), bool(r.boolean(data, "allow_raw_html"))
    cname = r.text(data, "cname")
    if chartjs is None or not title:
        return None
    return Config(root=root, title=title, description=description, base_url=base_url, output_dir=root / output,
                  chartjs=chartjs, language=language, link_check=link_check, staging=staging,
                  allow_raw_html=allow_raw_html, cname=cname, templates=templates)
