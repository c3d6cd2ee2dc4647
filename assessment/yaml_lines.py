"""YAML with line numbers and limits: mappings remember the line of each key, so a mistake names its line.

A method file is untrusted input, so it is read within limits checked before and while parsing: at most
`MAX_BYTES` bytes (read no further), UTF-8 only, at most `MAX_NODES` values, nesting at most `MAX_DEPTH`
deep, and no anchors or aliases (`&name` / `*name`: the method language does not need them, and an alias
bomb expands a few lines into billions of values). A scalar the YAML library cannot construct (a date
2021-02-30, an integer of 5000 digits) stays the text it was written as, so the validator names its key.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import yaml

MAX_BYTES = 1 << 20  # 1 MiB; methods/2021.yml is under 5 KiB
MAX_NODES = 20_000  # values (mappings, lists, scalars); methods/2021.yml has about 400
MAX_DEPTH = 12  # the language nests 8 deep at most (measures.m.where.industry.not[0])


class Node(dict):
    """A YAML mapping that knows its own line and the line of each key (1-based)."""

    line: int
    key_lines: dict[str, int]


class Seq(list):
    """A YAML sequence that knows its line."""

    line: int


class DuplicateKey(Exception):
    def __init__(self, key: str, line: int) -> None:
        super().__init__(key)
        self.key = key
        self.line = line


class Refused(Exception):
    """The file breaks a limit (size, encoding, nesting, values, aliases): one sentence, zh and en."""

    def __init__(self, line: int, zh: str, en: str) -> None:
        super().__init__(en)
        self.line = line
        self.zh = zh
        self.en = en


class _Loader(yaml.SafeLoader):
    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise Refused(
                line,
                "不能使用锚点或别名（&名称、*名称），请把内容直接写出",
                "anchors and aliases (&name, *name) are not allowed: write the values out",
            )
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise Refused(
                line,
                f"文件内容过多（超过 {MAX_NODES} 个值）",
                f"the file holds too many values (more than {MAX_NODES})",
            )
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise Refused(line, f"嵌套超过 {MAX_DEPTH} 层", f"nested more than {MAX_DEPTH} levels deep")
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, OverflowError) as err:
            if isinstance(
                node, yaml.ScalarNode
            ):  # 2021-02-30, 10**5000: keep the text, the validator names it
                return node.value
            raise Refused(
                node.start_mark.line + 1, "无法读取的值", f"a value that cannot be read ({err})"
            ) from None


def _mapping(loader: _Loader, node: yaml.MappingNode) -> Node:
    out = Node()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        key = str(key)
        if key in out:
            raise DuplicateKey(key, key_node.start_mark.line + 1)
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> Seq:
    out = Seq(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def read_text(path: Path) -> str:
    """The text of a regular file of at most MAX_BYTES bytes in UTF-8; raises FileNotFoundError or Refused."""
    try:
        mode = path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        raise FileNotFoundError(path) from None
    if not stat.S_ISREG(mode):  # a folder, a device, a pipe (reading a pipe would wait for ever)
        raise Refused(1, "不是普通文件", "not a regular file")
    with open(path, "rb") as fh:
        data = fh.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise Refused(1, "文件超过 1 MiB（办法文件的大小上限）", "the file is larger than 1 MiB")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise Refused(
            data[: err.start].count(b"\n") + 1,
            "文件不是 UTF-8 编码，请用 UTF-8 另存",
            "the file is not UTF-8 text: save it as UTF-8",
        ) from None
    return text.removeprefix("\ufeff")


def load(path: Path) -> Any:
    """Parse a YAML file within the limits; raises FileNotFoundError, Refused, DuplicateKey or YAMLError."""
    loader = _Loader(read_text(path))
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
