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


class _LineConstructor(yaml.constructor.SafeConstructor):
    """Mappings and lists that record their lines; duplicate keys refused."""

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

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> list[Any]:
        seq = _Sequence(self.construct_object(child, deep=True) for child in node.value)
        seq.line = node.start_mark.line + 1
        return seq


class _LineLoader(_LineConstructor, yaml.SafeLoader):
    """A safe loader that records line numbers and refuses duplicate keys and aliases."""

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


class _ReadAgain(Exception):
    """A file libyaml's reader hands to the pure-Python one, whose outcome users have always seen."""


# Deeper than any curated record (a file, its list, a record, a list in it); beyond it the file is
# read again, so that the pure-Python reader's limit on nesting decides as it always did.
_FAST_DEPTH = 32
_STR = yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG


class _FastLineLoader(_LineConstructor, yaml.CSafeLoader):
    """:class:`_LineLoader` on libyaml: the same values and lines, about ten times faster.

    libyaml composes a whole document in C, so aliases cannot be refused while composing; an
    alias is the one way a node is reached twice, so construction notices it instead (before
    anything is expanded) and the file is read again by :class:`_LineLoader`, whose message
    points at the alias. So is a file nested deeper than ``_FAST_DEPTH``, and any file libyaml
    refuses: messages, lines, columns and limits stay those of the pure-Python reader.
    """

    _depth = 0

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node in self.constructed_objects or node in self.recursive_objects:
            raise _ReadAgain  # an alias
        if self._depth >= _FAST_DEPTH:
            raise _ReadAgain
        if node.tag == _STR and isinstance(node, yaml.ScalarNode):
            # Nine nodes in ten are plain text: what SafeConstructor.construct_yaml_str returns,
            # without its generic dispatch (about a fifth of reading the bundled data). Recorded
            # as constructed, so that an alias to it is noticed as above.
            self.constructed_objects[node] = node.value
            return node.value
        self._depth += 1
        try:
            return super().construct_object(node, deep=deep)
        finally:
            self._depth -= 1


# Dates stay text: YAML's own timestamps would turn 2014-02-30 into a crash and lose the precision of
# a date; parse_partial_date reads them with a message a person can act on.
_RESOLVERS = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


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


# The constructors live on the mixin both loaders share, hence the ignores.
_MAPPING = yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG
_SEQUENCE = yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG
_LineLoader.yaml_implicit_resolvers = _RESOLVERS
_LineLoader.add_constructor(_MAPPING, _LineLoader.construct_mapping)  # type: ignore[type-var]
_LineLoader.add_constructor(_SEQUENCE, _LineLoader.construct_sequence)  # type: ignore[type-var]
_LineLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_FastLineLoader.yaml_implicit_resolvers = _RESOLVERS
_FastLineLoader.add_constructor(_MAPPING, _FastLineLoader.construct_mapping)  # type: ignore[type-var]
_FastLineLoader.add_constructor(_SEQUENCE, _FastLineLoader.construct_sequence)  # type: ignore[type-var]
_FastLineLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)

# Characters that YAML 1.1 reads as line breaks besides \n and \r; libyaml and the pure-Python
# scanner are only known to agree on plain text, so a file holding one is read by the latter.
_RARE_BREAKS = ("\x85", "\u2028", "\u2029")


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
    if yaml.__with_libyaml__ and not any(ch in text for ch in _RARE_BREAKS):
        try:
            return yaml.load(text, Loader=_FastLineLoader)
        except (_ReadAgain, yaml.YAMLError, RecursionError):
            pass  # read again below: that reader's messages are the ones users see
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
