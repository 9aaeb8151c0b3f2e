"""Repair patches: a proposed change of a flow file, as a unified diff a maintainer reviews.

An accepted repair proposal (`engine/proposals.py`) gives a target's new label, or, when the
label is not unique on the page, a CSS fallback. The change is written as a diff of the flow
file, never applied by the run: `autopilot flows check PATCH` validates the flow it would give,
`autopilot flows repair PATCH --apply` writes it after review (docs/adr/0014-fingerprints.md).
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from autopilot.errors import FlowError

KEYS = {"text": "label", "choose": "choose", "check": "check", "upload": "upload"}


def _step_lines(lines: list[str], step_title: str) -> range:
    """The lines of the step titled `step_title` (from its `- title:` to the next step)."""
    title = re.compile(r"^(\s*)- title:\s*(['\"]?)" + re.escape(step_title) + r"\2\s*$")
    for start, line in enumerate(lines):
        found = title.match(line)
        if found:
            indent = found.group(1)
            end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith(indent + "- ")
                        or (lines[i].strip() and len(lines[i]) - len(lines[i].lstrip()) < len(indent))), len(lines))
            return range(start, end)
    raise FlowError(f"étape « {step_title} » introuvable dans le fichier du flow")


def changed_text(text: str, step_title: str, kind: str, old: str, *, label: str | None = None,
                 css: str | None = None) -> str:
    """The flow text with the target `old` of that step renamed to `label`, or given the fallback `css`."""
    lines = text.splitlines(keepends=True)
    key = re.compile(r"(\b" + KEYS[kind] + r":\s*)(['\"]?)" + re.escape(old) + r"\2(?=\s*[,}\n]|\s*$)")
    for index in _step_lines(lines, step_title):
        found = key.search(lines[index])
        if not found:
            continue
        if label is not None:
            quoted = '"' + label.replace("\\", "\\\\").replace('"', '\\"') + '"'
            lines[index] = lines[index][:found.start()] + found.group(1) + quoted + lines[index][found.end():]
        if css is not None:
            fallback = 'css: "' + css.replace('"', '\\"') + '"'
            if "{" in lines[index][:found.start()]:
                lines[index] = lines[index][:found.start()] + fallback + ", " + lines[index][found.start():]
            else:
                indent = " " * (len(lines[index]) - len(lines[index].lstrip(" -")))
                lines.insert(index + 1, indent + fallback + "\n")
        return "".join(lines)
    raise FlowError(f"étape « {step_title} » : « {old} » introuvable dans le fichier du flow")


def diff(path: Path, before: str, after: str) -> str:
    """A unified diff of a flow file (paths as the repository names them)."""
    name = path.as_posix()
    return "".join(difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                        fromfile=f"a/{name}", tofile=f"b/{name}"))


def applied(patch: str, root: Path = Path(".")) -> tuple[Path, str]:
    """The file a patch changes and its text once changed; FlowError if it does not apply as written."""
    lines = patch.splitlines(keepends=True)
    target = next((line[4:].strip() for line in lines if line.startswith("+++ ")), None)
    if target is None:
        raise FlowError("ce fichier n'est pas un correctif de flow (ligne « +++ » absente)")
    path = root / target.removeprefix("b/")
    try:
        original = path.read_text(encoding="utf-8").splitlines(keepends=True)
    except FileNotFoundError:
        raise FlowError(f"{path} : fichier du flow introuvable", "Lancez la commande depuis le dossier du projet.") from None
    result: list[str] = []
    position = 0
    index = 0
    while index < len(lines):
        header = re.match(r"@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@", lines[index])
        index += 1
        if not header:
            continue
        start = int(header.group(1)) - (0 if header.group(2) == "0" else 1)
        result += original[position:start]
        position = start
        while index < len(lines) and not lines[index].startswith("@@"):
            line = lines[index]
            index += 1
            if line.startswith("\\"):
                continue
            if line[:1] in (" ", "-"):
                if position >= len(original) or original[position].rstrip("\n") != line[1:].rstrip("\n"):
                    raise FlowError(f"{path} : le correctif ne s'applique plus (ligne {position + 1} modifiée depuis)",
                                    "Le flow a changé depuis la proposition : refaites la démarche pour en avoir une nouvelle.")
                position += 1
                if line[0] == " ":
                    result.append(original[position - 1])
            elif line[:1] == "+":
                result.append(line[1:] if line.endswith("\n") else line[1:] + "\n")
    result += original[position:]
    return path, "".join(result)
