"""site.yaml: the portal's settings, typed and checked."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from pathlib import Path

from generator.i18n import Text, later
from generator.load import yamlfile
from generator.load.reader import Reader
from generator.load.yamlfile import YMap
from generator.model.problems import Problems, Severity

CONFIG_FILE = "site.yaml"
KEYS = ("title", "description", "language", "base_url", "output_dir", "chartjs", "link_check",
        "staging", "allow_raw_html", "cname", "templates", "deploy", "licence")
CHARTJS_KEYS = ("package", "version", "file", "integrity", "cdn")
DEPLOY_KEYS = ("keep",)
LICENCE_KEYS = ("name", "url")
_LICENCE_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::\d{1,5})?(?:/[A-Za-z0-9._~%/?=&#+-]*)?")
# Folders the build reads: the output may never be one of them, inside one, or hold one.
INPUT_FOLDERS = ("content", "templates", "static", ".git")
_URL_PATH = r"(?:/[A-Za-z0-9._~%/-]*)?"
_BASE_URL = re.compile(r"(?:https?://[A-Za-z0-9.-]+(?::\d{1,5})?" + _URL_PATH + r"|/(?!/)[A-Za-z0-9._~%/-]*)")
# What reaches the Content-Security-Policy and the script tag: nothing that could add a source.
_CHARTJS_RULES = {
    "package": (r"(?:@[a-z0-9-]+/)?[a-z0-9][a-z0-9._-]*", later("write an npm package name such as {example}",
                                                                example="chart.js")),
    "version": (r"\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?", later("write an exact version such as {example}",
                                                          example="4.5.1")),
    "file": (r"[A-Za-z0-9_-][A-Za-z0-9._-]*(?:/[A-Za-z0-9_-][A-Za-z0-9._-]*)*",
             later("write a path in the package such as {example}", example="dist/chart.umd.min.js")),
    "cdn": (r"https://[A-Za-z0-9.-]+(?::\d{1,5})?/(?:[A-Za-z0-9._~-]+/)*",
            later("write an https address ending in /, such as {example}", example="https://cdn.jsdelivr.net/npm/")),
}


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
class Licence:
    """The licence the data is published under, named in every page's footer and in the downloads."""

    name: str
    url: str


DEFAULT_LICENCE = Licence("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/")


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
    deploy_keep: tuple[str, ...] = ()  # files on the published branch that deploy must keep
    licence: Licence = DEFAULT_LICENCE

    @functools.cached_property
    def base_path(self) -> str:
        """The path part of base_url: "/" or "/portal/". Worked out once: every link of every page asks."""
        match = re.match(r"^[a-z]+://[^/]+(/.*)?$", self.base_url)
        path = (match.group(1) or "/") if match else self.base_url
        return path if path.endswith("/") else path + "/"

    def with_base_url(self, url: str) -> Config:
        return replace(self, base_url=url if url.endswith("/") else url + "/")


def base_url_problem(text: str) -> Text | None:
    """Why `text` cannot be a base URL (an http(s) address or a path from the root), or None."""
    if _BASE_URL.fullmatch(text):
        return None
    return later("base_url '{base_url}' is neither a path nor a web address", base_url=text[:80])


def output_problem(root: Path, output: Path) -> Text | None:
    """Why the build may not write to `output` (it would replace the site or its inputs), or None."""
    site, target = root.resolve(), output.resolve()
    if target == site:
        return later("the output folder is the site folder itself: a build would replace the whole site")
    if site.is_relative_to(target):
        return later("the output folder {folder} contains the site folder: a build would replace the whole site",
                     folder=target)
    for name in INPUT_FOLDERS:
        if target.is_relative_to(site / name):
            return later("the output folder is inside the site's {name} folder, which the build reads", name=name)
    for name in (CONFIG_FILE, "content", ".git"):  # (a built site has static/ of its own)
        if (target / name).exists():
            return later("the output folder {folder} holds {name}: it looks like a site or repository, not an output",
                         folder=target, name=name)
    return None


def _base_url(r: Reader, m: YMap) -> str:
    text = r.text(m, "base_url") or "/"
    problem = base_url_problem(text)
    if problem:
        r.error(m.where("base_url"), problem, later("use / or /portal/ or https://example.org/portal/"))
        return "/"
    return text if text.endswith("/") else text + "/"


def _output_dir(r: Reader, root: Path, m: YMap) -> Path:
    text = r.text(m, "output_dir") or "output"
    output = root / text
    if ".." in Path(text).parts:
        r.error(m.where("output_dir"), later("output_dir may not leave the site folder"), later("use e.g. output"))
        return root / "output"
    problem = output_problem(root, output)
    if problem:
        r.error(m.where("output_dir"), problem, later("use a folder of its own, e.g. output_dir: output"))
        return root / "output"
    return output


def _chartjs(r: Reader, data: YMap) -> ChartJs | None:
    cj = r.mapping(data.get("chartjs"), data.where("chartjs"), "'chartjs'")
    if cj is None:
        return None
    r.keys(cj, CHARTJS_KEYS, CHARTJS_KEYS, later("in '{key}'", key="chartjs"))
    values = {k: r.text(cj, k) for k in CHARTJS_KEYS}
    integrity = values["integrity"] or ""
    if integrity and not re.fullmatch(r"sha(256|384|512)-[A-Za-z0-9+/]+=*", integrity):
        r.error(cj.where("integrity"), later("chartjs integrity is not an SRI hash"),
                later("write it as sha384-<base64 of the file's SHA-384 digest>"))
        values["integrity"] = None
    for key, (pattern, example) in _CHARTJS_RULES.items():
        text = values[key]
        if text and (not re.fullmatch(pattern, text) or ".." in text):
            r.error(cj.where(key), later("chartjs {key} '{text}' is not valid", key=key, text=text[:80]), example)
            values[key] = None
    return ChartJs(**values) if all(values.values()) else None  # type: ignore[arg-type]


def _templates(r: Reader, root: Path, data: YMap) -> dict[str, str] | None:
    """`templates:` overrides, each checked at its own line: a known page type, an existing file."""
    from generator.plan.page import PAGE_TYPES  # the planners import this module
    from generator.render.labels import THEME

    tm = r.mapping(data.get("templates"), data.where("templates"), "'templates'")
    if tm is None:
        return None
    templates: dict[str, str] = {}
    for page_type in tm:
        name = r.text(tm, page_type)
        if page_type not in PAGE_TYPES:
            r.error(tm.key_pos[page_type], later("unknown page type '{page_type}' under 'templates'",
                                                 page_type=page_type),
                    later("use one of: {choices}", choices=", ".join(PAGE_TYPES)))
        elif name and (".." in name.split("/") or name.startswith("/") or "\\" in name
                       or not any((base / name).is_file() for base in (root / "templates", THEME / "templates"))):
            r.error(tm.where(page_type), later("template '{name}' for '{page_type}' pages does not exist",
                                               name=name[:80], page_type=page_type),
                    later("put it in templates/ or remove the line"))
        elif name:
            templates[page_type] = name
    return templates


def _template_links(root: Path, problems: Problems) -> None:
    """A link in templates/ may not lead outside the site (it would publish whatever it points at)."""
    folder = root / "templates"
    if not folder.is_dir():
        return
    site = root.resolve()
    for path in sorted(folder.rglob("*")):
        if not path.is_symlink():
            continue
        try:
            inside = path.resolve(strict=True).is_relative_to(site)
        except (OSError, RuntimeError):
            inside = False
        if not inside:
            problems.add(path.relative_to(root).as_posix(), 1, 1,
                         later("this template is a link to something outside the site (or to nothing)"),
                         later("copy the file into templates/ instead of linking to it"))


def _deploy_keep(r: Reader, data: YMap) -> tuple[str, ...]:
    dm = r.mapping(data.get("deploy"), data.where("deploy"), "'deploy'")
    if dm is None:
        return ()
    r.keys(dm, DEPLOY_KEYS, (), later("in '{key}'", key="deploy"))
    items = r.sequence(dm, "keep")
    keep = []
    for item, pos in zip(items, items.item_pos, strict=False):
        if not isinstance(item, str) or not item.strip() or item.startswith("/") or ".." in item.split("/"):
            r.error(pos, later("each item of 'keep' should be a file name or pattern on the published branch"),
                    later("e.g. - googleabc123.html"))
            continue
        keep.append(item.strip())
    return tuple(keep)


def _licence(r: Reader, data: YMap) -> Licence:
    """`licence:` with its `name` and `url`, each checked at its line; CC BY 4.0 when absent."""
    if "licence" not in data:
        return DEFAULT_LICENCE
    lm = r.mapping(data.get("licence"), data.where("licence"), "'licence'")
    if lm is None:
        return DEFAULT_LICENCE
    r.keys(lm, LICENCE_KEYS, LICENCE_KEYS, later("in '{key}'", key="licence"))
    name, url = r.text(lm, "name"), r.text(lm, "url")
    if url and not _LICENCE_URL.fullmatch(url):
        r.error(lm.where("url"), later("licence url '{url}' is not a web address", url=url[:80]),
                later("write the licence's address, e.g. https://creativecommons.org/licenses/by/4.0/"))
        return DEFAULT_LICENCE
    return Licence(name, url) if name and url else DEFAULT_LICENCE


def load(root: Path, problems: Problems) -> Config | None:
    display = CONFIG_FILE
    data = yamlfile.load(root / display, display, problems)
    if data is None:
        return None
    r = Reader(display, problems)
    if not isinstance(data, YMap):
        r.error((1, 1), later("site.yaml should be a group of 'key: value' lines"),
                later("see {doc}", doc="docs/configuration.md"))
        return None
    r.keys(data, KEYS, ("title", "chartjs"), later("in {file}", file="site.yaml"))
    chartjs = _chartjs(r, data)
    templates = _templates(r, root, data)
    _template_links(root, problems)
    title, description = r.text(data, "title") or "", r.text(data, "description") or ""
    base_url, output_dir = _base_url(r, data), _output_dir(r, root, data)
    language = r.choice(data, "language", ("vi",)) or "vi"
    link_check: Severity = r.choice(data, "link_check", ("error", "warning")) or "error"
    staging, allow_raw_html = bool(r.boolean(data, "staging")), bool(r.boolean(data, "allow_raw_html"))
    cname, deploy_keep = r.text(data, "cname"), _deploy_keep(r, data)
    licence = _licence(r, data)
    if chartjs is None or not title:
        return None
    return Config(root=root, title=title, description=description, base_url=base_url, output_dir=output_dir,
                  chartjs=chartjs, language=language, link_check=link_check, staging=staging,
                  allow_raw_html=allow_raw_html, cname=cname, templates=templates, deploy_keep=deploy_keep,
                  licence=licence)
