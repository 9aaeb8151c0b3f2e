"""The recorded flow as a YAML file a maintainer reads and edits, in the library's own style.

Flow keys in English, everything the mediator reads in French, one line per field action,
comments where the recorder guessed or needs a look. The demonstrated values appear only as
`# exemple :` comments, and only when the author asked for them (`--examples`); secrets were
never captured, so they cannot appear.
"""

from __future__ import annotations

import json
import re
from datetime import date

from autopilot.recorder.draft import FlowDraft, StepDraft
from autopilot.recorder.events import Target
from autopilot.recorder.fields import ActionDraft, InputDraft

_PLAIN_URL = re.compile(r"^https://[^\s#,\[\]{}'\"]+$")


def _q(text: str) -> str:
    """A double-quoted YAML scalar (JSON's escapes are YAML's)."""
    return json.dumps(text, ensure_ascii=False)


def _url(url: str) -> str:
    return url if _PLAIN_URL.match(url) else _q(url)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def flow_text(draft: FlowDraft, *, examples: bool, recorded_on: date) -> str:
    """The YAML text of `draft`."""
    lines = [
        f"# Enregistré avec « autopilot record » le {recorded_on:%d/%m/%Y}, depuis {draft.start_url}",
        "# À relire avant usage : les noms et les types des données sont déduits des libellés de la page.",
    ]
    if not examples:
        lines.append("# Les valeurs saisies pendant l'enregistrement ne sont pas conservées (--examples pour les garder"
                     " en commentaire).")
    if draft.warnings:
        lines.append("# À vérifier :")
        lines += [f"#   - {_one_line(warning)}" for warning in draft.warnings]
    lines += [
        f"id: {draft.id}",
        f"title: {_q(draft.title)}",
        f"category: {_q(draft.category)}  # à choisir : Carte d'identité, Passeport, Permis de conduire…",
        "version: 1",
        f"domains: [{', '.join(draft.domains)}]",
    ]
    if draft.account:
        lines.append(f"account: {draft.account}  # connexion par flows/accounts/{draft.account}.yaml ; mot de passe lu"
                     f" dans le trousseau (secret: {draft.account}.mot_de_passe)")
    if draft.inputs:
        lines.append("inputs:")
        for name, spec in draft.inputs.items():
            lines += _input(name, spec, examples)
    if draft.outputs:
        lines.append("# Valeurs affichées par la dernière page : gardez les résultats utiles, supprimez les autres"
                     " (ici et dans « extract »). Ils sont montrés au médiateur, jamais gardés au journal.")
        lines.append("outputs:")
        lines += [f"  {name}: {{label: {_q(label)}, journal: false}}" for name, label in draft.outputs.items()]
    lines.append("steps:")
    for index, step in enumerate(draft.steps):
        if index:
            lines.append("")
        lines += _step(step)
    return "\n".join(lines) + "\n"


def _input(name: str, spec: InputDraft, examples: bool) -> list[str]:
    parts = [f"type: {spec.type}", f"label: {_q(spec.label)}"]
    if spec.hint:
        parts.append(f"hint: {_q(spec.hint)}")
    if spec.required is False:
        parts.append("required: false")
    elif spec.required is not True:
        choice, values = spec.required
        parts.append(f"required: {{{choice}: [{', '.join(_q(v) for v in values)}]}}")
    if spec.options:
        parts.append(f"options: [{', '.join(_q(o) for o in spec.options)}]")
    lines = [f"  # exemple : {_one_line(spec.example)}"] if examples and spec.example else []
    return [*lines, f"  {name}: {{{', '.join(parts)}}}"]


def _click(target: Target) -> str:
    if target.css:
        return f"{{css: {_q(target.css)}}}"
    return f"{{{target.role or 'button'}: {_q(target.text)}}}"


def _step(step: StepDraft) -> list[str]:
    lines = [f"# {_one_line(note)}" for note in step.notes]
    lines.append(f"- title: {_q(step.title)}")
    if step.goto:
        lines.append(f"  goto: {_url(step.goto)}")
    if step.heading:
        lines.append(f"  expect: {{heading: {_q(step.heading)}}}")
    if step.gate:
        lines.append(f"  gate: {step.gate}")
    if step.manual:
        lines += ["  manual:", f"    instruction: {_q(step.manual)}"]
        if step.until:
            lines.append(f"    until: {{heading: {_q(step.until)}}}")
    if step.fill:
        lines.append("  fill:")
        for action in step.fill:
            lines += [f"    # {_one_line(note)}" for note in action.notes]
            lines += _action(action)
    if step.next is not None:
        lines.append(f"  next: {_click(step.next)}")
    if step.extract:
        lines.append("  extract:")
        lines += [f"    {name}: {{after_text: {_q(label)}}}" for name, label in step.extract.items()]
    return ["  " + line if line else line for line in lines]


def _when(when: tuple[str, tuple[str, ...] | None]) -> str:
    name, values = when
    return name if values is None else f"{{{name}: [{', '.join(_q(v) for v in values)}]}}"


def _action(action: ActionDraft) -> list[str]:
    if action.key == "click":
        return [f"    - {{click: {_click(action.target)}}}"]
    target = action.target
    parts = [f"within: {_q(target.within)}"] if target.within else []
    parts.append(f"{action.key}: {_q(target.text)}")
    if target.css:
        parts.append(f"css: {_q(target.css)}")
    if action.secret:
        parts.append(f"secret: {action.secret}")
    elif action.value is not None:
        parts.append(f"{'file' if action.key == 'upload' else 'value'}: {_q(action.value)}")
    if action.revealed:
        parts.append("revealed: true")
    if action.when is not None:
        parts.append(f"when: {_when(action.when)}")
    if not action.options:
        return [f"    - {{{', '.join(parts)}}}"]
    mapping = ", ".join(f"{_q(code)}: {_q(text)}" for code, text in action.options.items())
    lines = [f"    - {parts[0]}"] + [f"      {part}" for part in parts[1:]]
    return [*lines, f"      options: {{{mapping}}}"]
