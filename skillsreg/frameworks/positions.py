"""Where each path of a framework document was written in its file: line and column."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from typing import Any

import yaml

from skillsreg.frameworks.validation import DocumentError, render_path


class ParsedDocument(dict[str, Any]):
    """A document tree read from text, which can say where in the text each path was written."""

    def __init__(self, tree: dict[str, Any], locate: Callable[[], dict[str, tuple[int, int]]]):
        super().__init__(tree)
        self._locate = locate
        self._positions: dict[str, tuple[int, int]] | None = None

    def position(self, path: str) -> tuple[int, int] | None:
        """The (line, column) of a path such as `skills[3].name`, or of its nearest parent."""
        if self._positions is None:
            self._positions = self._locate()  # only worked out when an error needs it
        while True:
            if path in self._positions:
                return self._positions[path]
            parent = _PATH_TAIL.sub("", path)
            if parent == path:
                return None
            path = parent


_PATH_TAIL = re.compile(r"(\.[^.\[\]]*|\[\d+\])$|^[^.\[\]]+$")


def locate_errors(doc: dict[str, Any], errors: list[DocumentError]) -> list[DocumentError]:
    """Give each error the line and column of its path in the file the document was read from."""
    if not isinstance(doc, ParsedDocument):
        return errors
    located = []
    for error in errors:
        position = doc.position(error.path) if error.line is None else None
        if position is not None:
            error = dataclasses.replace(error, line=position[0], column=position[1])
        located.append(error)
    return located


def yaml_positions(root: yaml.Node | None) -> dict[str, tuple[int, int]]:
    """Where each path starts, from the marks the YAML composer left on every node."""
    positions: dict[str, tuple[int, int]] = {}
    pending: list[tuple[list[str | int], yaml.Node, yaml.Node | None]] = []
    if root is not None:
        pending.append(([], root, None))
    while pending:
        path, node, key_node = pending.pop()
        # A scalar is shown where its value is; a block of items where its key is.
        mark = (key_node or node).start_mark if not isinstance(node, yaml.ScalarNode) else None
        mark = mark or node.start_mark
        positions[render_path(path)] = (mark.line + 1, mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    pending.append(([*path, str(key.value)], value, key))
        elif isinstance(node, yaml.SequenceNode):
            pending.extend(([*path, index], item, None) for index, item in enumerate(node.value))
    return positions


def json_positions(text: str) -> dict[str, tuple[int, int]]:
    """Where each path starts in JSON text that is known to parse (a position-tracking read)."""
    offsets: dict[str, int] = {}
    decoder = json.JSONDecoder()
    whitespace = re.compile(r"[ \t\n\r]*")

    def skip(index: int) -> int:
        match = whitespace.match(text, index)
        return match.end() if match else index

    def read(index: int, path: list[str | int]) -> int:
        index = skip(index)
        offsets[render_path(path)] = index
        opening = text[index]
        if opening not in "{[":
            return decoder.raw_decode(text, index)[1]
        closing, position = ("}" if opening == "{" else "]"), 0
        index = skip(index + 1)
        while text[index] != closing:
            if opening == "{":
                key, index = decoder.raw_decode(text, index)
                index = skip(index) + 1  # past the colon
                index = read(index, [*path, key])
            else:
                index = read(index, [*path, position])
                position += 1
            index = skip(index)
            if text[index] == ",":
                index = skip(index + 1)
        return index + 1

    read(0, [])
    return {path: _line_and_column(text, offset) for path, offset in offsets.items()}


def _line_and_column(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1
