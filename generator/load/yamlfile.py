"""Read a YAML file into plain values that remember where they were written.

PyYAML's usual loaders forget line numbers and silently keep the last of two duplicate keys. We compose
the node tree ourselves so every key and value keeps its line and column, duplicates become problems,
and the raw text of each scalar stays available (to tell how many decimals a percent was written with,
or that `no` was typed where text was meant).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from generator.model.problems import Problems

try:  # libyaml's C parser is much faster; fall back to pure Python where it is missing.
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

_CONSTRUCTOR = yaml.SafeLoader(stream="")

Pos = tuple[int, int]


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


def _convert(node: yaml.Node, path: str, problems: Problems) -> Any:
    if isinstance(node, yaml.MappingNode):
        result = YMap(_pos(node))
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
            line, col = _pos(key_node)
            if key in result:
                first = result.key_pos[key][0]
                problems.add(path, line, col, f"duplicate key '{key}' (also at line {first})",
                             "keep only one of them: YAML would silently use the last one")
                continue
            result[key] = _convert(value_node, path, problems)
            result.key_pos[key] = (line, col)
            result.value_pos[key] = _pos(value_node)
            result.raw[key] = value_node.value if isinstance(value_node, yaml.ScalarNode) else None
        return result
    if isinstance(node, yaml.SequenceNode):
        items = YList(_pos(node))
        for item in node.value:
            items.append(_convert(item, path, problems))
            items.item_pos.append(_pos(item))
            items.raw.append(item.value if isinstance(item, yaml.ScalarNode) else None)
        return items
    return _scalar(node)


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
        problems.add(path, line, col, "a tab character is used for indentation",
                     "indent with spaces only (two spaces per level)")
        return
    if isinstance(exc, yaml.reader.ReaderError):
        problems.add(path, line, col, f"the file contains a control character (#x{exc.character:04X}) "
                     "that a text file cannot have", "save it again as plain UTF-8 text")
        return
    context = getattr(exc, "context", None)
    detail = " ".join((f"{context}, {what}" if context else what).split())
    problems.add(path, line, col, f"this is not valid YAML ({detail})",
                 "check the indentation and that every 'key: value' has a space after the colon; "
                 "put text containing ':' or '#' in quotes")


def decode(data: bytes, path: str, problems: Problems) -> str | None:
    """Decode UTF-8 (a leading BOM is dropped); report the line of the first bad byte otherwise."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.add(path, line, 1, f"the file is not UTF-8 text (byte 0x{data[exc.start]:02X})",
                     "save the file with UTF-8 encoding (in most editors: Save As, Encoding: UTF-8)")
        return None


def load(file: Path, display: str, problems: Problems) -> Any:
    """Return the file's content as YMap/YList/scalars, or None after reporting why it can't be read."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        problems.add(display, 0, 0, f"cannot read the file ({exc.strerror})", "check that it exists")
        return None
    text = decode(data, display, problems)
    if text is None:
        return None
    return loads(text, display, problems)


def loads(text: str, display: str, problems: Problems) -> Any:
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        _syntax_problem(exc, text, display, problems)
        return None
    if node is None:
        problems.add(display, 1, 1, "the file is empty", "fill it in, or delete it")
        return None
    return _convert(node, display, problems)
