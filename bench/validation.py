"""Measurement 3: loading and validating flows (`autopilot.flows.parse_flow`), no browser.

1,000 flows are generated in the library's own style (inputs from the citizen-data catalogue,
text fields with templates and filters, radio groups with options, conditional checkboxes,
sections, a submit gate, an extraction), from 2 to 12 steps of 1 to 10 field actions (the
passport pré-demande has 7 steps and about 30). Each is parsed and validated on its own; the
time per flow is related to its size, and a profile of the same work says where the time goes.
"""

from __future__ import annotations

import cProfile
import json
import pstats
import random
import time
from collections import defaultdict
from pathlib import Path

from autopilot.dossier import field_paths
from autopilot.flows import Library, parse_flow
from bench.report import Row, Section
from bench.stats import Samples

TARGET_MS = 2.0
SEED = 2026
INPUTS = {"usager": "identite", "adresse": "adresse", "contact": "contact", "parent1": "parent"}
DATE_FIELDS = {"date_naissance"}


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def generate(index: int, rng: random.Random) -> tuple[str, int, int]:
    """One valid flow's YAML text, its number of steps and of field actions."""
    steps, actions = rng.randint(2, 12), 0
    lines = [
        f"# Flow généré n° {index} pour le banc d'essai.",
        f"id: flux-genere-{index}",
        f"title: Démarche générée {index}",
        "category: Banc d'essai",
        "summary: Une démarche de taille réaliste pour mesurer le chargement des flows.",
        "bring:",
        "  - Justificatif de domicile de moins d'un an",
        "version: 1",
        "domains: [passeport.ants.gouv.fr, ants.gouv.fr]",
        "account: ants",
        "inputs:",
        "  motif: {type: choice, label: Motif de la demande, options: [premiere_demande, renouvellement, perte, vol]}",
        "  usager: {type: identite, label: Identité}",
        "  adresse: {type: adresse, label: Adresse}",
        "  contact: {type: contact, label: Coordonnées}",
        "  parent1: {type: parent, label: Parent 1}",
        "  parent2: {type: parent, label: Parent 2, required: false}",
        "  timbre: {type: numero_timbre, label: Timbre fiscal, required: false}",
        "outputs:",
        "  numero: {label: \"Numéro de la demande\"}",
        "steps:",
    ]
    fields = {name: sorted(field_paths(model)) for name, model in INPUTS.items()}
    for number in range(1, steps + 1):
        title = f"Page {number}"
        lines.append(f"  - title: {title}")
        if number == 1:
            lines.append("    goto: https://passeport.ants.gouv.fr/demarches-en-ligne/demarche-generee")
        if number > 1 and rng.random() < 0.15:
            lines.append("    when: {motif: [perte, vol]}")
        heading = "Votre demande est enregistrée" if number == steps else title
        lines.append(f"    expect: {{heading: {_q(heading)}}}")
        if number == steps:
            lines += ["    extract:", "      numero: {after_text: \"Numéro de la demande\"}"]
            continue
        if number == steps - 1:
            lines.append("    gate: submit")
        lines.append("    fill:")
        for entry in range(rng.randint(1, 10)):
            actions += 1
            lines.append("      - " + _field_action(rng, f"{number}.{entry}", fields))
        button = "Valider ma demande" if number == steps - 1 else "Suivant"
        lines.append(f"    next: {{button: {_q(button)}}}")
    return "\n".join(lines) + "\n", steps, actions


def _field_action(rng: random.Random, number: str, fields: dict[str, list[str]]) -> str:
    """One entry of a step's `fill`, in flow style: mostly text fields, some choices and ticks."""
    within = f"within: \"Section {rng.randint(1, 3)}\", " if rng.random() < 0.2 else ""
    kind = rng.random()
    if kind < 0.65:
        name = rng.choice(list(fields))
        field = rng.choice(fields[name])
        filters = " | jj_mm_aaaa" if field in DATE_FIELDS else rng.choice(["", "", " | majuscules", " | sans_accents"])
        return f"{{{within}label: \"Champ {number}\", value: \"{{{{ {name}.{field}{filters} }}}}\"}}"
    if kind < 0.8:
        return (f"{{{within}choose: \"Motif {number}\", value: \"{{{{ motif }}}}\", options: {{premiere_demande:"
                " Première demande, renouvellement: Renouvellement, perte: Perte, vol: Vol}}")
    if kind < 0.9:
        return f"{{{within}check: \"Case {number}\", when: {{not: parent2}}}}"
    return f"{{label: \"Numéro du timbre {number}\", value: \"{{{{ timbre }}}}\", when: timbre}}"


def _profile(texts: list[str]) -> list[str]:
    """Where parsing these flows spends its time: by area, then the heaviest functions."""
    profiler = cProfile.Profile()
    profiler.enable()
    for text in texts:
        parse_flow(text)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = sum(entry[2] for entry in stats.stats.values())  # tottime
    areas: dict[str, float] = defaultdict(float)
    for (filename, _, function), entry in stats.stats.items():
        areas[_area(filename, function)] += entry[2]
    lines = ["Profile (cProfile, own time by area):", "", "| area | share |", "|---|---|"]
    for area, seconds in sorted(areas.items(), key=lambda item: -item[1])[:6]:
        lines.append(f"| {area} | {seconds / total:.0%} |")
    lines += ["", "Heaviest functions (own time):", "", "| function | share |", "|---|---|"]
    heaviest = sorted(stats.stats.items(), key=lambda item: -item[1][2])[:8]
    for (filename, line, function), entry in heaviest:
        lines.append(f"| `{_short(filename)}:{line} {function}` | {entry[2] / total:.0%} |")
    return lines


def _area(filename: str, function: str) -> str:
    if "_yaml." in function:
        return "libyaml (C: scanner, parser, composer)"
    if "/yaml/" in filename:
        return "PyYAML, Python code (constructor; also scanner and parser without libyaml)"
    if "pydantic" in filename or "pydantic" in function:
        return "pydantic"
    if filename.endswith("autopilot/yaml_source.py"):
        return "autopilot.yaml_source (read_yaml and _index; libyaml's C parsing counts here)"
    if "autopilot/flows" in filename:
        return "autopilot.flows." + Path(filename).stem
    if "autopilot/dossier" in filename:
        return "autopilot.dossier"
    return "other (interpreter, stdlib)"


def _short(filename: str) -> str:
    for marker in ("site-packages/", "src/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def measure(count: int) -> Section:
    """Parse `count` generated flows one by one; the time per flow and how it grows with size."""
    section = Section("3. Flow validation: load and validate generated flows")
    rng = random.Random(SEED)
    flows = [generate(index, rng) for index in range(count)]
    for text, _, _ in flows[:20]:
        parse_flow(text)  # warm-up: pydantic's and the loader's first-call costs
    per_flow = Samples("ms")
    sizes: list[tuple[int, float]] = []
    start = time.perf_counter()
    for text, _, actions in flows:
        began = time.perf_counter()
        parse_flow(text)
        elapsed = (time.perf_counter() - began) * 1000
        per_flow.add(elapsed)
        sizes.append((actions, elapsed))
    total = time.perf_counter() - start
    met = per_flow.median < TARGET_MS
    section.rows.append(Row(f"Flow validation, {count} generated flows", per_flow, None, None,
                            f"< {TARGET_MS:g} ms per flow", met))
    slope, intercept = _fit(sizes)
    steps = [s for _, s, _ in flows]
    actions = [a for _, _, a in flows]
    lines = [t.count("\n") for t, _, _ in flows]
    section.details += [
        (f"{count} flows of {min(steps)}–{max(steps)} steps and {min(actions)}–{max(actions)} field actions"
        f" ({min(lines)}–{max(lines)} lines), generated with seed {SEED}; each parsed with `parse_flow`"
        f" (YAML with line numbers, models, checks). All {count} took {total:.2f} s,"
        f" {total / count * 1000:.2f} ms per flow on average (the table shows the median)."),
        "",
        f"Growth: about **{intercept:.2f} ms + {slope * 1000:.0f} µs per field action** (least squares).",
        "",
        "| field actions | flows | median ms per flow | µs per field action |",
        "|---|---|---|---|",
    ]
    for low, high in ((1, 15), (16, 40), (41, 80), (81, 200)):
        bucket = [(a, ms) for a, ms in sizes if low <= a <= high]
        if bucket:
            median = sorted(ms for _, ms in bucket)[len(bucket) // 2]
            per_action = sorted(ms / a * 1000 for a, ms in bucket)[len(bucket) // 2]
            section.details.append(f"| {low}–{high} | {len(bucket)} | {median:.2f} | {per_action:.0f} |")
    section.details += ["", "The library's own flows:", "", "| flow | field actions | ms |", "|---|---|---|"]
    library = Library.load()
    for entry in sorted([*library.demarches, *library.accounts], key=lambda e: e.flow.id):
        text = entry.path.read_text(encoding="utf-8")
        runs = []
        for _ in range(20):
            began = time.perf_counter()
            parse_flow(text)
            runs.append((time.perf_counter() - began) * 1000)
        fill = sum(len(step.fill) for step in entry.flow.steps)
        section.details.append(f"| `{entry.flow.id}` | {fill} | {sorted(runs)[10]:.2f} |")
    section.details += ["", *_profile([t for t, _, _ in flows[:100]])]
    section.data = {"per_flow": per_flow.as_dict(), "slope_ms_per_action": slope, "intercept_ms": intercept,
                    "total_s": total, "count": count}
    return section


def _fit(points: list[tuple[int, float]]) -> tuple[float, float]:
    """Least squares: milliseconds = intercept + slope × field actions."""
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / spread if spread else 0.0
    return slope, mean_y - slope * mean_x
