"""Read, check and write framework documents (format 1) as plain dicts and lists."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Hashable, Iterable
from functools import partial
from typing import TYPE_CHECKING, Any, Literal

import yaml

from skillsreg.frameworks.positions import (
    ParsedDocument,
    json_positions,
    locate_errors,
    yaml_positions,
)
from skillsreg.frameworks.validation import DocumentError, render_path, semantic_errors

if TYPE_CHECKING:  # jsonschema is imported when a document is checked, not by every command
    from jsonschema.exceptions import ValidationError

__all__ = [
    "DocumentError",
    "DocumentInvalid",
    "ParsedDocument",
    "dump_document",
    "locate_errors",
    "parse_document",
    "validate_document",
]

_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_OTHER_LINE_BREAKS = ("\x85", "\u2028", "\u2029")


class DocumentInvalid(Exception):  # noqa: N818 - the name other modules agreed on
    """The text could not be read as a framework document."""

    def __init__(self, errors: list[DocumentError]) -> None:
        super().__init__("; ".join(str(error) for error in errors))
        self.errors = errors


class _Loader(yaml.SafeLoader):
    """YAML 1.1 loader that keeps dates as strings and yes/no/on/off as words."""

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        # Aliases can make a small upload expand into a huge tree, and documents never need them.
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(
                None, None, "anchors and aliases (*name) are not allowed here", mark
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, Hashable):
                break
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} appears twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


# Dates stay strings so the tree matches JSON, and "NO" or "ON" stay codes rather than booleans.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_TIMESTAMP_TAG, _BOOL_TAG)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


class _Dumper(yaml.SafeDumper):
    """Safe dumper that writes multi-line text as literal blocks people can read."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    # YAML reads these as line breaks unless they are escaped, which only double quotes do.
    if any(char in value for char in _OTHER_LINE_BREAKS):
        style = '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def parse_document(text: str, *, filename: str) -> dict[str, Any]:
    """Parse YAML or JSON text (chosen by the file's extension) into a document tree.

    A byte order mark is ignored in both. The tree is a `ParsedDocument`, so errors found
    later can be given a line and column (`locate_errors`).
    """
    text = text.removeprefix("\ufeff")
    try:
        if filename.lower().endswith(".json"):
            tree = _parse_json(text, filename)
            locate = partial(json_positions, text)
        else:
            tree, node = _parse_yaml(text, filename)
            locate = partial(yaml_positions, node)
    except RecursionError:
        raise DocumentInvalid(
            [DocumentError(filename, "The file is nested too deeply to be a framework document")]
        ) from None
    if not isinstance(tree, dict):
        raise DocumentInvalid(
            [DocumentError(filename, "The file must hold a mapping of keys to values")]
        )
    return ParsedDocument(tree, locate)


def _parse_json(text: str, filename: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as error:
        raise DocumentInvalid(
            [DocumentError(filename, error.msg, line=error.lineno, column=error.colno)]
        ) from error
    except _DuplicateKeyError as error:
        raise DocumentInvalid([DocumentError(filename, _sentence(str(error)))]) from error


class _DuplicateKeyError(ValueError):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for key, value in pairs:
        if key in tree:
            raise _DuplicateKeyError(f"the key {key!r} appears twice")
        tree[key] = value
    return tree


def _parse_yaml(text: str, filename: str) -> tuple[Any, yaml.Node | None]:
    loader: _Loader | None = None
    try:
        loader = _Loader(text)  # its reader already refuses unprintable characters
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = _sentence(error.problem or error.context or "the YAML could not be read")
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        raise DocumentInvalid(
            [DocumentError(filename, message, line=line, column=column)]
        ) from error
    except yaml.YAMLError as error:
        raise DocumentInvalid([DocumentError(filename, _sentence(str(error)))]) from error
    finally:
        if loader is not None:
            loader.dispose()


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:]


def dump_document(doc: dict[str, Any], fmt: Literal["yaml", "json"]) -> str:
    """Write a document tree as YAML or JSON text that parses back to the same tree."""
    if fmt == "json":
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if fmt == "yaml":
        return yaml.dump(
            dict(doc),  # a ParsedDocument is written as the plain mapping it holds
            Dumper=_Dumper,
            sort_keys=False,
            allow_unicode=True,
            width=sys.maxsize,
            default_flow_style=False,
        )
    raise ValueError(f"unknown format {fmt!r}")


def validate_document(
    doc: Any, *, parent: dict[str, Any] | None = None, schema: dict[str, Any]
) -> list[DocumentError]:
    """List what is wrong with a document: schema errors first, then the framework's rules.

    The rules that need the parent version are checked only when `parent` is given.
    """
    from jsonschema import Draft202012Validator

    # Formats are checked too, so "2024-02-30" is refused here rather than failing on storage.
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    found = sorted(
        (_from_schema_error(error) for error in validator.iter_errors(doc)),
        key=lambda pair: (_path_key(pair[0]), pair[1].message),
    )
    if found:
        return [error for _, error in found]
    return semantic_errors(doc, parent)


def _path_key(path: Iterable[str | int]) -> tuple[tuple[int, int, str], ...]:
    return tuple((0, part, "") if isinstance(part, int) else (1, 0, part) for part in path)


def _from_schema_error(error: ValidationError) -> tuple[list[str | int], DocumentError]:
    path: list[str | int] = list(error.absolute_path)
    explain = _EXPLAINERS.get(str(error.validator))
    if explain is None:
        return path, DocumentError(render_path(path), error.message)
    extra_key, message = explain(error)
    if extra_key is not None:
        path.append(extra_key)
    return path, DocumentError(render_path(path), message)


_PATTERN_HINTS = {
    r"^[A-Z][A-Z0-9]{1,7}$": "2 to 8 capital letters or digits, starting with a letter",
    r"^[a-z0-9]+(-[a-z0-9]+)*$": "lower-case letters and digits, separated by single hyphens",
    r"^\d+\.\d+\.\d+$": "a version number like 1.2.0",
    r"^\d{4}-\d{2}-\d{2}$": "a date like 2026-11-27",
}

_TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "array": "a list",
    "object": "a mapping of keys to values",
    "boolean": "true or false",
    "null": "empty (null)",
}


def _explain_required(error: ValidationError) -> tuple[str | None, str]:
    missing = re.match(r"'(.+)' is a required property", error.message)
    if missing is None:
        return None, error.message
    return missing.group(1), "This field is required"


def _explain_additional(error: ValidationError) -> tuple[str | None, str]:
    allowed = sorted(error.schema.get("properties", {})) if isinstance(error.schema, dict) else []
    extra = set(error.instance) - set(allowed) if isinstance(error.instance, dict) else set()
    # YAML allows keys that are not text: a lone "?" is a mapping whose only key is null
    names = ", ".join(sorted("(no name)" if key is None else str(key) for key in extra)) or "?"
    hint = f" (allowed: {', '.join(allowed)})" if allowed else ""
    return None, f"Unknown field {names}{hint}"


def _explain_type(error: ValidationError) -> tuple[str | None, str]:
    expected = error.validator_value
    kinds = expected if isinstance(expected, list) else [expected]
    return None, f"Must be {' or '.join(_TYPE_NAMES.get(str(kind), str(kind)) for kind in kinds)}"


def _explain_enum(error: ValidationError) -> tuple[str | None, str]:
    return None, f"{error.instance!r} is not allowed; use one of: {_listing(error.validator_value)}"


def _explain_const(error: ValidationError) -> tuple[str | None, str]:
    return None, f"Must be {error.validator_value!r}"


def _explain_pattern(error: ValidationError) -> tuple[str | None, str]:
    hint = _PATTERN_HINTS.get(str(error.validator_value))
    expected = hint or f"text matching {error.validator_value}"
    return None, f"{error.instance!r} is not in the right form: use {expected}"


def _explain_length(error: ValidationError) -> tuple[str | None, str]:
    limit = error.validator_value
    if error.validator == "minLength":
        return None, "Must not be empty" if limit == 1 else f"Must be at least {limit} characters"
    return None, f"Must be at most {limit} characters long"


def _explain_items(error: ValidationError) -> tuple[str | None, str]:
    limit = error.validator_value
    if error.validator == "minItems":
        return None, "The list must not be empty" if limit == 1 else f"Needs at least {limit} items"
    return None, f"Has more than {limit} items"


def _explain_range(error: ValidationError) -> tuple[str | None, str]:
    word = "at least" if error.validator == "minimum" else "at most"
    return None, f"Must be {word} {error.validator_value}"


_FORMAT_HINTS = {
    "date": "a real date written as YYYY-MM-DD, like 2026-11-27",
}


def _explain_format(error: ValidationError) -> tuple[str | None, str]:
    expected = _FORMAT_HINTS.get(str(error.validator_value), f"a valid {error.validator_value}")
    return None, f"{error.instance!r} is not {expected}"


def _listing(values: Iterable[Any]) -> str:
    return ", ".join("null" if value is None else str(value) for value in values)


_EXPLAINERS = {
    "required": _explain_required,
    "additionalProperties": _explain_additional,
    "type": _explain_type,
    "enum": _explain_enum,
    "const": _explain_const,
    "pattern": _explain_pattern,
    "minLength": _explain_length,
    "maxLength": _explain_length,
    "minItems": _explain_items,
    "maxItems": _explain_items,
    "minimum": _explain_range,
    "maximum": _explain_range,
    "format": _explain_format,
}
