"""Reading YAML while remembering where each value came from (file and line), its expansion bounded.

Flows, the settings file and the citizen's `--data` files are all read this way. A malformed file's
problem is said in French (`yaml_words`) with what could be read before it, so that a flow's problem
names its step and field like the flow's other problems."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from autopilot import yaml_words

Path = tuple[str | int, ...]

# A flow file is a few hundred nodes, a settings or data file fewer. YAML aliases let a small file
# stand for billions of them (« billion laughs »): whatever walks the data would take minutes, so
# the expansion is bounded.
MAX_NODES = 20_000
MAX_DEPTH = 60

# libyaml's parser is ten times faster than the pure-Python one; both give the same nodes and marks.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlProblem(ValueError):
    """Malformed YAML; `line` is 1-based, `path` what the file was writing there, `read` what came before."""

    def __init__(self, line: int, message: str, hint: str | None = None, *, path: Path = (),
                 read: Located | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.message = message
        self.hint = hint
        self.path = path
        self.read = read or Located(data=None)


class EmptyDocument(YamlProblem):
    """The file holds no YAML document at all (nothing, or comments only)."""


@dataclass
class Located:
    """Parsed YAML data plus the line of every mapping key and sequence item."""

    data: Any
    lines: dict[Path, int] = field(default_factory=dict)

    def line_of(self, path: Path) -> int:
        """The line of `path`, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return 1


ALIAS_HINT = "Un flow écrit chaque étape en clair, sans ancres « & » ni alias « * »."


def read_yaml(text: str, *, alias_hint: str = ALIAS_HINT) -> Located:
    """Parse one YAML document; raise YamlProblem with a French message (`alias_hint` for a bomb)."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise EmptyDocument(1, "le fichier est vide")
        located = Located(data=None)
        _index(node, (), located.lines, [MAX_NODES], alias_hint)
        located.data = _construct(loader, node, text)
        return located
    except yaml.MarkedYAMLError as error:
        raise _invalid(text, _line_of(error), *yaml_words.french(error, text)) from None
    except yaml.reader.ReaderError as error:  # a control character, a broken encoding
        if not isinstance(error.character, int) or (at := text.find(chr(error.character))) < 0:
            raise _invalid(text, 1, *yaml_words.GENERAL) from None
        # libyaml refuses the whole file (its `position` counts bytes): what it says is read without
        # the character, as the mediator sees it
        legible = text[:at] + text[at + 1:]
        raise _invalid(legible, text.count("\n", 0, at) + 1, *yaml_words.bad_character(error.character)) from None
    finally:
        loader.dispose()


# Problems found only at the end of the file: the quote, list or table left open is the mistake.
_UNCLOSED = {"found unexpected end of stream", "did not find expected ',' or ']'", "did not find expected ',' or '}'"}


def _line_of(error: yaml.MarkedYAMLError) -> int:
    """The line of the mistake: where the unclosed thing opened, else where the reader stopped."""
    mark = error.problem_mark or error.context_mark
    if error.problem in _UNCLOSED and error.context_mark is not None:
        mark = error.context_mark
    return mark.line + 1 if mark else 1


def _construct(loader: Any, node: yaml.Node, text: str) -> Any:
    """The document's data; a plain value YAML reads as an impossible date or number is a problem."""
    try:
        return loader.construct_document(node)
    except _UNBUILDABLE:  # PyYAML's own, in English: `2024-31-12` gives « month must be in 1..12 »
        bad = next((scalar for scalar in _scalars(node) if not _builds(scalar)), None)
        if bad is None:
            raise _invalid(text, node.start_mark.line + 1, *yaml_words.GENERAL) from None
        raise _invalid(text, bad.start_mark.line + 1, *yaml_words.unreadable_value(bad.value)) from None


_UNBUILDABLE = (ValueError, TypeError, AttributeError, OverflowError)


def _scalars(node: yaml.Node) -> Iterator[yaml.ScalarNode]:
    """Every scalar under `node`, in the file's order (aliases are bounded by `_index` already)."""
    if isinstance(node, yaml.ScalarNode):
        yield node
    elif isinstance(node, yaml.SequenceNode):
        for child in node.value:
            yield from _scalars(child)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield from _scalars(key)
            yield from _scalars(value)


def _builds(scalar: yaml.ScalarNode) -> bool:
    try:
        yaml.constructor.SafeConstructor().construct_object(scalar)
    except _UNBUILDABLE:
        return False
    return True


def _invalid(text: str, line: int, message: str, hint: str | None) -> YamlProblem:
    """A syntax problem at `line`, with what the file was writing there."""
    read = read_before_problem(text)
    path = next((p for p, at in reversed(read.lines.items()) if at <= line), ())
    return YamlProblem(line, f"YAML invalide : {message}", hint, path=path, read=read)


def read_before_problem(text: str) -> Located:
    """What a malformed document says before its problem: its data so far and the lines of its keys."""
    read = Located(data=None)
    open_: list[tuple[Any, Path, list[str | None]]] = []  # open collections: (container, path, [key awaiting its value])
    loader = _Loader(text)
    try:
        while not isinstance(event := loader.get_event(), yaml.StreamEndEvent):
            if isinstance(event, yaml.CollectionEndEvent):
                open_.pop()
                continue
            if not isinstance(event, yaml.NodeEvent):
                continue
            line = event.start_mark.line + 1
            value = ({} if isinstance(event, yaml.MappingStartEvent) else [] if isinstance(event, yaml.SequenceStartEvent)
                     else getattr(event, "value", None))
            path: Path = ()
            if not open_:
                read.data = value
            elif isinstance(open_[-1][0], list):
                path = (*open_[-1][1], len(open_[-1][0]))
                open_[-1][0].append(value)
            elif open_[-1][2][0] is None:  # a key
                key = str(value) if isinstance(event, yaml.ScalarEvent) else "?"
                open_[-1][2][0] = key
                read.lines[(*open_[-1][1], key)] = line
                if isinstance(event, yaml.CollectionStartEvent):  # a complex key, kept apart
                    open_.append((value, (*open_[-1][1], "?"), [None]))
                continue
            else:
                container, parent, key_slot = open_[-1]
                path, container[key_slot[0]], key_slot[0] = (*parent, key_slot[0]), value, None
            read.lines.setdefault(path, line)
            if isinstance(event, yaml.CollectionStartEvent):
                open_.append((value, path, [None]))
    except yaml.YAMLError:
        pass  # the problem itself: what came before is read
    finally:
        loader.dispose()
    return read


def _index(node: yaml.Node, path: Path, lines: dict[Path, int], budget: list[int], hint: str) -> None:
    """Note the line of every key and item, as the data will be once aliases are expanded."""
    budget[0] -= 1
    if budget[0] < 0 or len(path) > MAX_DEPTH:
        raise YamlProblem(node.start_mark.line + 1, f"le fichier se déplie en plus de {MAX_NODES} éléments ou"
                          f" {MAX_DEPTH} niveaux (alias YAML « *… » en cascade ?) : il n'est pas lu",
                          hint)
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                raise YamlProblem(key_node.start_mark.line + 1, f"clé « {key} » répétée")
            seen.add(key)
            lines[(*path, key)] = key_node.start_mark.line + 1
            _index(value_node, (*path, key), lines, budget, hint)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index(item, (*path, index), lines, budget, hint)
