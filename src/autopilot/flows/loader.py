"""Loading a flow file: YAML → models → checks, every problem reported in the author's terms.

A problem reads `flows/passeport/pre-demande.yaml:14: étape 3 « État civil » : …`
followed by a hint. Nothing here starts a browser.
"""

from __future__ import annotations

from pathlib import Path as FsPath
from typing import Any

from pydantic import ValidationError

from autopilot.errors import FlowError
from autopilot.flows import checks
from autopilot.flows.domains import Trust
from autopilot.flows.model import Flow
from autopilot.flows.template import TemplateSyntaxError
from autopilot.yaml_source import Located, Path, YamlProblem, read_yaml


class Problem(Exception):
    """One problem found in a flow, at a YAML path; `checks` raises it."""

    def __init__(self, path: Path, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.message = message
        self.hint = hint


def load_flow(path: FsPath | str, *, shown_as: str | None = None, trust: Trust = Trust()) -> Flow:
    """Load and validate one flow file; raise FlowError naming file, line, step and field."""
    path = FsPath(path)
    name = shown_as or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FlowError(f"{name}: fichier introuvable", "Vérifiez le chemin du flow.") from None
    except UnicodeDecodeError:
        raise FlowError(f"{name}:1: le fichier n'est pas en UTF-8", "Enregistrez-le en UTF-8.") from None
    return parse_flow(text, name, trust)


def parse_flow(text: str, name: str = "<flow>", trust: Trust = Trust()) -> Flow:
    """Validate flow text; `name` is how the file is named in messages, `trust` what its domains
    are checked against (the State's domains only, and no account known, by default)."""
    try:
        located = read_yaml(text)
    except YamlProblem as problem:
        where = _where(name, problem.read, problem.path, line=problem.line) + _key(problem)
        raise FlowError(where + problem.message, problem.hint or "Vérifiez l'indentation et les deux-points.") from None
    if not isinstance(located.data, dict):
        raise FlowError(f"{name}:1: un flow est un tableau de clés (id, title, steps…)")
    try:
        flow = Flow.model_validate(located.data)
    except ValidationError as error:
        raise _from_validation(error, located, name) from None
    try:
        checks.check_flow(flow, Problem, trust)
    except Problem as problem:
        raise FlowError(_where(name, located, problem.path) + problem.message, problem.hint) from None
    return flow


def _where(name: str, located: Located, path: Path, line: int | None = None) -> str:
    """`file:line: étape N « titre » : ` for a YAML path (at `line`, else the path's own)."""
    prefix = f"{name}:{line or located.line_of(path)}: "
    if len(path) >= 2 and path[0] == "steps" and isinstance(path[1], int) and isinstance(located.data, dict):
        steps = located.data.get("steps") or []
        title = steps[path[1]].get("title") if path[1] < len(steps) and isinstance(steps[path[1]], dict) else None
        prefix += f"étape {path[1] + 1}" + (f" « {title} »" if title else "") + " : "
        if len(path) >= 4 and path[2] == "fill" and isinstance(path[3], int):
            item = steps[path[1]].get("fill", [])[path[3]] if path[3] < len(steps[path[1]].get("fill", [])) else None
            target = next((item[k] for k in _TARGET_KEYS if isinstance(item, dict) and isinstance(item.get(k), str)), None)
            prefix += f"champ « {target} » : " if target else f"« fill », élément {path[3] + 1} : "
            return prefix
    return prefix


def _key(problem: YamlProblem) -> str:
    """`« clé » : ` for the key being written on a YAML problem's line, beyond the step and field `_where` names."""
    path = problem.path
    if len(path) >= 4 and path[0] == "steps" and path[2] == "fill" and isinstance(path[3], int):
        start = 4
    else:
        start = 2 if len(path) >= 2 and path[0] == "steps" and isinstance(path[1], int) else 0
    keys = [end for end in range(start, len(path)) if isinstance(path[end], str)]
    if not keys or problem.read.lines.get(path[:keys[-1] + 1]) != problem.line:
        return ""
    return f"« {path[keys[-1]]} » : "


def _data_path(located: Located, loc: tuple[Any, ...]) -> Path:
    """Pydantic's error location minus union tags, which are not in the YAML."""
    path: list[str | int] = []
    node: Any = located.data
    for part in loc:
        if (isinstance(node, dict) and part in node) or (isinstance(node, list) and isinstance(part, int) and part < len(node)):
            node = node[part]
            path.append(part)
        elif isinstance(node, dict) and isinstance(part, str) and part not in node and part not in _TAGS:
            path.append(part)  # a missing key: keep its name for the message
            break
    return tuple(path)


_TAGS = {"text", "choose", "check", "upload", "click"}  # the union tags of a fill action
_TARGET_KEYS = ("label", "choose", "check", "upload")  # how a fill action names its field


def _from_validation(error: ValidationError, located: Located, name: str) -> FlowError:
    lines = []
    hint = None
    for item in error.errors(include_url=False):
        path = _data_path(located, item["loc"])
        message, item_hint = _french(item, path)
        hint = hint or item_hint
        lines.append(_where(name, located, path) + message)
    return FlowError("\n".join(lines), hint)


_TYPES = {
    "string_type": "texte attendu",
    "int_type": "nombre entier attendu",
    "int_parsing": "nombre entier attendu",
    "bool_type": "oui/non attendu",
    "dict_type": "tableau de clés attendu",
    "model_type": "tableau de clés attendu",
    "model_attributes_type": "tableau de clés attendu",
    "tuple_type": "liste attendue",
    "list_type": "liste attendue",
}


def _french(item: dict[str, Any], path: Path) -> tuple[str, str | None]:
    kind = item["type"]
    key = path[-1] if path else ""
    where = f"« {key} » : " if isinstance(key, str) and key else ""
    if isinstance(key, int) and len(path) >= 2 and isinstance(path[-2], str) and path[-2] != "fill":
        where = f"« {path[-2]} », élément {key + 1} : "
    if kind == "missing":
        return f"clé « {key} » manquante", None
    if kind == "extra_forbidden":
        return f"clé inconnue « {key} »", "Vérifiez l'orthographe de la clé (les clés de flow sont en anglais)."
    if kind == "action_inconnue":
        return (
            "action inconnue",
            "Une entrée de « fill » commence par label, choose, check, upload ou click.",
        )
    if kind == "literal_error":
        return f"{where}valeur « {item['input']} » non permise ; valeurs possibles : {item['ctx']['expected']}", None
    if kind == "string_pattern_mismatch" and key == "id":
        return "identifiant invalide", "Minuscules, chiffres et tirets seulement (ex. passeport-pre-demande)."
    if kind == "too_short":
        return f"{where}la liste ne peut pas être vide", None
    if kind in ("greater_than_equal", "greater_than"):
        return f"{where}doit être au moins {item['ctx'].get('ge', item['ctx'].get('gt'))}", None
    if kind == "value_error":
        cause = item.get("ctx", {}).get("error")
        text = str(cause) if cause else item["msg"]
        if isinstance(cause, TemplateSyntaxError):
            return f"{where}{text}", "Un modèle ressemble à « {{ usager.nom_naissance | majuscules }} »."
        return f"{where}{text}", None
    if kind in _TYPES:
        return f"{where}{_TYPES[kind]}", None
    return f"{where}{item['msg']}", None
