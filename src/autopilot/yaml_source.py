"""Reading YAML while remembering where each value came from (file and line), its expansion bounded.

Flows, the settings file and the citizen's `--data` files are all read this way."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

Path = tuple[str | int, ...]

# A flow file is a few hundred nodes, a settings or data file fewer. YAML aliases let a small file
# stand for billions of them (« billion laughs »): whatever walks the data would take minutes, so
# the expansion is bounded.
MAX_NODES = 20_000
MAX_DEPTH = 60

# libyaml's parser is ten times faster than the pure-Python one; both give the same nodes and marks.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlProblem(ValueError):
    """Malformed YAML; `line` is 1-based."""

    def __init__(self, line: int, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.message = message
        self.hint = hint


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
        located.data = loader.construct_document(node)
        return located
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlProblem(line, f"YAML invalide : {error.problem or error.context}") from error
    finally:
        loader.dispose()


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
