"""Read a YAML file into plain values that remember where they were written.

PyYAML's usual loaders forget line numbers and silently keep the last of two duplicate keys. We compose
the node tree ourselves so every key and value keeps its line and column, duplicates become problems,
and the raw text of each scalar stays available (to tell how many decimals a percent was written with,
or that `no` was typed where text was meant).
"""
from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml

from generator.i18n import Text, later
from generator.model.problems import Problems

try:  # libyaml's C parser is much faster; fall back to pure Python where it is missing.
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

_CONSTRUCTOR = yaml.SafeLoader(stream="")

Pos = tuple[int, int]

MAX_BYTES = 2_000_000  # the largest registry is ~60 kB; anything near this is a mistake or an attack
MAX_DEPTH = 20  # records nest four levels deep; more is a mistake (or a bomb)
MAX_NUMBER_DIGITS = 30  # no count, year or percent needs more digits
# Characters a text may not carry: C0/C1 controls (tab and line ends aside) and the invisible
# direction overrides that can make a line read differently from what it says.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_STANDARD_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in (
    "str", "int", "float", "bool", "null", "timestamp", "map", "seq", "binary", "merge", "value", "omap",
    "pairs", "set"))
_NUMBER_TAGS = frozenset(("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"))


class YMap(dict[str, Any]):
    """A mapping from a YAML file: `pos` of the mapping, `key_pos`/`value_pos`/`raw` per key."""

    def __init__(self, pos: Pos):
        super().__init__()
        self.pos = pos
        self.key_pos: dict[str, Pos] = {}
        self.value_pos: dict[str, Pos] = {}
        self.raw: dict[str, str | None] = {}

    def where(self, key: str) -> Pos:
        return self.value_pos.get(key) or self.key_pos.get(key) or self.pos


class YList(list[Any]):
    """A sequence from a YAML file with the position of each item."""

    def __init__(self, pos: Pos):
        super().__init__()
        self.pos = pos
        self.item_pos: list[Pos] = []
        self.raw: list[str | None] = []


def _pos(node: yaml.Node) -> Pos:
    return node.start_mark.line + 1, node.start_mark.column + 1


_STR = "tag:yaml.org,2002:str"


def _scalar(node: yaml.Node) -> Any:
    if node.tag == _STR:
        return node.value
    construct = _CONSTRUCTOR.yaml_constructors.get(node.tag)
    if construct is None:
        return node.value
    try:  # called directly: construct_object would keep every node in a cache for ever
        return construct(_CONSTRUCTOR, node)
    except (yaml.YAMLError, ValueError):
        # e.g. an impossible timestamp such as 2023-02-30: keep the text, the schema reports it.
        return node.value


def visible(text: str) -> str:
    """`text` with every forbidden character shown as its code (U+001B), safe to print."""
    return _FORBIDDEN.sub(lambda m: f"U+{ord(m.group(0)):04X}", text)


def _clean(text: str, node: yaml.Node, what: str | Text, path: str, problems: Problems) -> str:
    """Report control and direction characters in `text` (by code, never raw) and drop them."""
    found = _FORBIDDEN.search(text)
    if found is None:
        return text
    line, col = _pos(node)
    code = ord(found.group(0))
    message = (later("{what} contains an invisible text-direction character ({code}), often left by copying from "
                     "a web page", what=what, code=f"U+{code:04X}") if code > 0x9F else
               later("{what} contains an invisible control character ({code}), often left by copying from a web page",
                     what=what, code=f"U+{code:04X}"))
    problems.add(path, line, col, message,
                 later("retype the text, or delete and retype the characters around that spot"))
    return _FORBIDDEN.sub("", text)


def _checked_scalar(node: yaml.ScalarNode, what: str | Text, path: str,
                    problems: Problems) -> tuple[Any, str | None]:
    """The scalar's value and raw text, or (None, None) after reporting why it cannot be used."""
    line, col = _pos(node)
    if node.tag in _NUMBER_TAGS and len(node.value) > MAX_NUMBER_DIGITS:
        problems.add(path, line, col, later("this number has {digits} digits", digits=len(node.value)),
                     later("no count, year or percent needs that many; check the digits against the article"))
        return None, None
    raw = _clean(node.value, node, what, path, problems)
    if raw != node.value:
        return raw, raw
    return _scalar(node), raw


def _key_text(key_node: yaml.Node, path: str, problems: Problems) -> str:
    if not isinstance(key_node, yaml.ScalarNode):
        return "?"
    return _clean(str(key_node.value), key_node, later("a key"), path, problems)


def _convert(node: yaml.Node, path: str, problems: Problems) -> Any:
    if isinstance(node, yaml.MappingNode):
        result = YMap(_pos(node))
        for key_node, value_node in node.value:
            key = _key_text(key_node, path, problems)
            line, col = _pos(key_node)
            if key in result:
                first = result.key_pos[key][0]
                problems.add(path, line, col,
                             later("duplicate key '{key}' (also at line {first})", key=key, first=first),
                             later("keep only one of them: YAML would silently use the last one"))
                continue
            value, raw = _value(value_node, f"'{key}'", path, problems)
            result[key] = value
            result.key_pos[key] = (line, col)
            result.value_pos[key] = _pos(value_node)
            result.raw[key] = raw
        return result
    if isinstance(node, yaml.SequenceNode):
        items = YList(_pos(node))
        for item in node.value:
            value, raw = _value(item, later("an item"), path, problems)
            items.append(value)
            items.item_pos.append(_pos(item))
            items.raw.append(raw)
        return items
    return _checked_scalar(node, later("the value"), path, problems)[0]  # type: ignore[arg-type]


def _value(node: yaml.Node, what: str | Text, path: str, problems: Problems) -> tuple[Any, str | None]:
    if isinstance(node, yaml.ScalarNode):
        return _checked_scalar(node, what, path, problems)
    return _convert(node, path, problems), None


def _syntax_problem(exc: yaml.YAMLError, text: str, path: str, problems: Problems) -> None:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    if isinstance(exc, yaml.reader.ReaderError):  # no mark: count lines up to the bad character
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
    what = getattr(exc, "problem", None) or str(exc)
    lines = text.splitlines()
    source_line = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in source_line[: max(col, 1)] or "'\\t'" in what:
        problems.add(path, line, col, later("a tab character is used for indentation"),
                     later("indent with spaces only (two spaces per level)"))
        return
    if isinstance(exc, yaml.reader.ReaderError):
        problems.add(path, line, col, later("the file contains a control character ({code}) that a text file cannot "
                                            "have", code=f"#x{exc.character:04X}"),
                     later("save it again as plain UTF-8 text"))
        return
    context = getattr(exc, "context", None)
    detail = " ".join((f"{context}, {what}" if context else what).split())
    problems.add(path, line, col, later("this is not valid YAML ({detail})", detail=detail),
                 later("check the indentation and that every 'key: value' has a space after the colon; "
                       "put text containing ':' or '#' in quotes"))


def decode(data: bytes, path: str, problems: Problems) -> str | None:
    """Decode UTF-8 (a leading BOM is dropped); report the line of the first bad byte otherwise."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.add(path, line, 1, later("the file is not UTF-8 text (byte {byte})", byte=f"0x{data[exc.start]:02X}"),
                     later("save the file with UTF-8 encoding (in most editors: Save As, Encoding: UTF-8)"))
        return None


def read_input(file: Path, display: str, problems: Problems, limit: int = MAX_BYTES) -> bytes | None:
    """The bytes of an input file, or None after a located problem.

    A FIFO, device, folder, dangling or looping link in place of the file is reported instead of
    read: opening without blocking and checking what was opened means nothing can make us wait.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(file, flags)
    except OSError as exc:
        problems.add(display, 1, 1, later("cannot read the file ({why})", why=_why(file, exc)),
                     later("replace it with a plain text file, or remove it"))
        return None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        message = (later("this is a folder, not a text file") if stat.S_ISDIR(mode)
                   else later("this is not a plain file (a pipe or device), not a text file"))
        problems.add(display, 1, 1, message, later("replace it with a plain text file, or remove it"))
        return None
    with os.fdopen(fd, "rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        problems.add(display, 1, 1, later("the file is larger than {size} MB", size=limit // 1_000_000),
                     later("split it up, or check that the right file was saved here"))
        return None
    return data


def _why(file: Path, exc: OSError) -> str | Text:
    if file.is_symlink() and not file.exists():
        return later("it is a link to something that does not exist, or to itself")
    return exc.strerror or str(exc)


def load(file: Path, display: str, problems: Problems) -> Any:
    """Return the file's content as YMap/YList/scalars, or None after reporting why it can't be read."""
    data = read_input(file, display, problems)
    if data is None:
        return None
    text = decode(data, display, problems)
    if text is None:
        return None
    return loads(text, display, problems)


def _refused_event(event: yaml.Event, depth: int) -> Text | None:
    """Why this parser event is not accepted in a portal file, or None."""
    if isinstance(event, yaml.AliasEvent):
        return later("an alias ({alias}) repeats another part of the file",
                     alias="*" + visible(str(getattr(event, "anchor", ""))))
    anchor = getattr(event, "anchor", None)
    if anchor is not None:
        return later("an anchor ({anchor}) marks a part of the file for repeating", anchor="&" + visible(str(anchor)))
    tag = getattr(event, "tag", None)
    if tag is not None and tag not in _STANDARD_TAGS and tag != "!":
        return later("the tag {tag} is not a kind of value the portal knows", tag=visible(str(tag)))
    if depth > MAX_DEPTH:
        return later("the values are nested more than {depth} levels deep", depth=MAX_DEPTH)
    return None


def _screen(text: str, display: str, problems: Problems) -> bool:
    """Refuse anchors, aliases, unknown tags and deep nesting before anything is built from them.

    Aliases can make a few hundred bytes expand to gigabytes (or refer to themselves); the events
    are read one at a time, so a hostile file costs no more than its own size.
    """
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
        why = _refused_event(event, depth)
        if why is not None:
            mark = event.start_mark
            line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
            problems.add(display, line, column, why,
                         later("write the values out in full (anchors, aliases and tags are not used in portal files)"))
            return False
    return True


def loads(text: str, display: str, problems: Problems) -> Any:
    try:
        if not _screen(text, display, problems):
            return None
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        _syntax_problem(exc, text, display, problems)
        return None
    if node is None:
        problems.add(display, 1, 1, later("the file is empty"), later("fill it in, or delete it"))
        return None
    return _convert(node, display, problems)
