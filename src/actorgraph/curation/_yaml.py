"""Reading YAML with line numbers, dates kept as text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from actorgraph._errors import DataError
from actorgraph.curation._model import MAX_FILE_BYTES, MAX_INT_DIGITS

# --------------------------------------------------------------------------------------------
# Reading YAML with line numbers


class YamlMapping(dict[str, Any]):
    """A YAML mapping that remembers the line of itself and of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]


class _Sequence(list[Any]):
    line: int = 0


class _LineLoader(yaml.SafeLoader):
    """A safe loader that records line numbers and refuses duplicate keys."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = YamlMapping()
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str) or not key.isprintable():
                # A key is echoed in error messages: no line breaks or terminal escapes in it.
                raise yaml.constructor.ConstructorError(
                    None, None, f"keys must be printable text, found {key!r}", key_node.start_mark
                )
            if key in mapping:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"duplicate key {key!r} (first at line {mapping.key_lines[key]}); "
                    "keep one and delete the other",
                    key_node.start_mark,
                )
            mapping[key] = self.construct_object(value_node, deep=True)
            mapping.key_lines[key] = key_node.start_mark.line + 1
        return mapping

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        # Curated files never need anchors and aliases; refusing them stops "billion laughs"
        # files, whose few lines expand to gigabytes once constructed or printed.
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None,
                None,
                f"the alias *{event.anchor} is not allowed in curated files; write the value out",
                event.start_mark,
            )
        node: yaml.Node | None = super().compose_node(parent, index)
        return node

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> list[Any]:
        seq = _Sequence(self.construct_object(child, deep=True) for child in node.value)
        seq.line = node.start_mark.line + 1
        return seq


# Dates stay text: YAML's own timestamps would turn 2014-02-30 into a crash and lose the precision of
# a date; parse_partial_date reads them with a message a person can act on.
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _LineLoader.construct_mapping,
)
_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG,
    _LineLoader.construct_sequence,
)


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    digits = sum(ch.isdigit() for ch in str(node.value))
    if digits > MAX_INT_DIGITS:
        raise yaml.constructor.ConstructorError(
            None,
            None,
            f"a number of {digits:,} digits; numbers here have at most {MAX_INT_DIGITS} "
            "(put long identifiers in quotes)",
            node.start_mark,
        )
    return yaml.SafeLoader.construct_yaml_int(loader, node)


_LineLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def read_yaml(path: Path) -> Any:
    if path.is_file() and (size := path.stat().st_size) > MAX_FILE_BYTES:
        raise DataError(
            f"the file is {size:,} bytes; curated files are limited to {MAX_FILE_BYTES:,} bytes "
            "(split it, or import large data with `actorgraph import`)",
            path=str(path),
        )
    # Read at most one byte past the limit: a FIFO or a device has no size to check beforehand.
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except IsADirectoryError:
        raise DataError("is a directory; give a .yaml file", path=str(path)) from None
    if len(raw) > MAX_FILE_BYTES:
        raise DataError(
            f"the file is larger than {MAX_FILE_BYTES:,} bytes, the limit for a curated file "
            "(split it, or import large data with `actorgraph import`)",
            path=str(path),
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            f"byte 0x{raw[exc.start]:02x} is not UTF-8; save the file as UTF-8 "
            "(it may be latin-1 or Windows-1252)",
            path=str(path),
            line=line,
        ) from None
    try:
        return yaml.load(text, Loader=_LineLoader)
    except yaml.reader.ReaderError as exc:
        # Raised for control characters (a NUL byte, …); its position is an index into the text.
        position = exc.position if isinstance(exc.position, int) else 0
        raise DataError(
            f"character #x{exc.character:04x} is not allowed in YAML; remove it",
            path=str(path),
            line=text.count("\n", 0, position) + 1,
        ) from None
    except RecursionError:
        raise DataError(
            "malformed YAML: lists or mappings nested too deeply; curated records are flat",
            path=str(path),
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "malformed YAML"
        if exc.problem and exc.context and exc.context_mark and exc.context_mark is not mark:
            # e.g. an unclosed bracket: the problem is at the end, the cause where it opened.
            problem += f" ({exc.context} at line {exc.context_mark.line + 1})"
        raise DataError(
            f"malformed YAML: {problem}; check the indentation and quoting near this line",
            path=str(path),
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from None
    except yaml.YAMLError as exc:
        raise DataError(f"malformed YAML: {exc}", path=str(path)) from None
