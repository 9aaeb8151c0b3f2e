"""`python -m bench.reading`: reading generated scans (passports, 2021 and older identity cards, bills) and
comparing every proposed value with the generated truth; writes its section of bench/RESULTS.md.

What it shows: the share of fields read exactly; the share of documents where a check digit caught an
OCR misread; the time per document; and that every value proposed as checked equals the truth (a
misread is either caught — unreadable — or proposed « à comparer », never checked). The documents come
from tests/documents_factory.py: fictitious people, 150–300 dpi, tilted, noisy, PNG and PDF.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import documents_factory as factory

from autopilot.reading import Check, ReadingFailed, read_document

START, END = "<!-- lecture: python -m bench.reading -->", "<!-- /lecture -->"
MIX = {"passeport": 12, "cni-2021": 12, "cni-ancienne": 12, "facture": 8}


def truth(made: factory.Made) -> dict[str, str]:
    """What each field must be, from the generated person."""
    p = made.person
    if made.kind == "facture":
        found = {"identite.nom_naissance": p.nom, "identite.prenoms": p.prenoms[0], "adresse.voie": p.voie,
                 "adresse.code_postal": p.code_postal, "adresse.commune": p.commune, "adresse.pays": "France"}
        if p.complement:
            found["adresse.complement"] = p.complement
        return found
    found = {"identite.nom_naissance": p.nom, "identite.prenoms": p.extra.get("prenoms_lus", ", ".join(p.prenoms)),
             "identite.sexe": p.sexe, "identite.date_naissance": f"{p.naissance:%d/%m/%Y}",
             "identite.nationalite": "Française", "document.numero": p.numero}
    if made.kind != "cni-ancienne":
        found["document.date_expiration"] = f"{p.expiration:%d/%m/%Y}"
    return found


def run(count_scale: float, seed: int) -> dict:
    """Generate and read the documents; the figures."""
    rng = random.Random(seed)
    rows = []
    with tempfile.TemporaryDirectory(prefix="ap-lecture-") as folder:
        for kind, count in MIX.items():
            for index in range(max(1, round(count * count_scale))):
                made = factory.make(kind, Path(folder), rng, pdf=index % 2 == 1)
                started = time.perf_counter()
                try:
                    reading, failed = read_document(made.path), None
                except ReadingFailed as error:
                    reading, failed = None, error.message
                seconds = time.perf_counter() - started
                rows.append((made, reading, failed, seconds))
                made.path.unlink()
    return summarise(rows)


def summarise(rows: list) -> dict:
    fields = exact = checked = checked_exact = confirm = confirm_exact = unreadable = 0
    wrong_checked: list[str] = []
    caught = 0
    per_kind: dict[str, Counter] = {}
    for made, reading, _failed, _ in rows:
        counts = per_kind.setdefault(made.kind, Counter())
        counts["documents"] += 1
        expected = truth(made)
        proposed = {p.key: p for p in reading.proposals} if reading else {}
        if reading is not None and reading.caught:
            caught += 1
            counts["caught"] += 1
        for key, value in expected.items():
            fields += 1
            counts["fields"] += 1
            got = proposed.get(key)
            if got is not None and got.value == value:
                exact += 1
                counts["exact"] += 1
            if got is None or got.check is Check.UNREADABLE:
                unreadable += 1
            elif got.check is Check.CHECKED:
                checked += 1
                checked_exact += got.value == value
                if got.value != value:
                    wrong_checked.append(f"{made.path.name} {key}: {got.value!r} ≠ {value!r}")
            else:
                confirm += 1
                confirm_exact += got.value == value
    times = [seconds for *_, seconds in rows]
    return {"documents": len(rows), "fields": fields, "exact": exact, "checked": checked,
            "checked_exact": checked_exact, "confirm": confirm, "confirm_exact": confirm_exact,
            "unreadable": unreadable, "caught": caught, "wrong_checked": wrong_checked,
            "failed": sum(1 for row in rows if row[2]), "per_kind": per_kind,
            "median_s": statistics.median(times), "max_s": max(times), "min_s": min(times)}


def render(figures: dict, seconds: float) -> str:
    share = lambda part, whole: f"{100 * part / whole:.1f} %" if whole else "—"  # noqa: E731
    lines = [START, "## Reading scanned documents (MRZ and 2D-Doc)", "",
             f"Produced by `.venv/bin/python -m bench.reading` on {time.strftime('%Y-%m-%d %H:%M')} "
             f"({seconds:.0f} s in all): {figures['documents']} generated documents (tests/documents_factory.py:"
             " fictitious people, 150–300 dpi, ±1.5° tilt, noise, PNG and scanned PDF), read with tesseract"
             " (MRZ) and zxing-cpp (2D-Doc); every proposed value compared with the generated truth.", "",
             "| measurement | value |", "|---|---|",
             f"| fields read exactly (all proposals vs truth) | {figures['exact']} / {figures['fields']}"
             f" = {share(figures['exact'], figures['fields'])} |",
             f"| values proposed as checked that equal the truth | {figures['checked_exact']} / {figures['checked']}"
             f" = {share(figures['checked_exact'], figures['checked'])} |",
             f"| values proposed « à comparer » that equal the truth | {figures['confirm_exact']} / "
             f"{figures['confirm']} = {share(figures['confirm_exact'], figures['confirm'])} |",
             f"| fields left to type (unreadable or not found) | {figures['unreadable']} / {figures['fields']}"
             f" = {share(figures['unreadable'], figures['fields'])} |",
             f"| documents where a check digit caught an OCR misread | {figures['caught']} / {figures['documents']}"
             f" = {share(figures['caught'], figures['documents'])} |",
             f"| documents nothing could be read from | {figures['failed']} / {figures['documents']} |",
             f"| time per document: median (min – max) | {figures['median_s']:.1f} s ({figures['min_s']:.1f} –"
             f" {figures['max_s']:.1f} s) |", "",
             "| document | documents | fields exact | a check caught a misread |", "|---|---|---|---|"]
    for kind, counts in figures["per_kind"].items():
        lines.append(f"| {kind} | {counts['documents']} | {counts['exact']} / {counts['fields']} = "
                     f"{share(counts['exact'], counts['fields'])} | {counts['caught']} |")
    lines += ["", "A value is proposed as checked only when check digits cover it (MRZ: the field's own digit and"
              " the zone's overall digit; the older card's last digit covers both lines, names included) or when it"
              " comes from a decoded 2D-Doc; names, sex and nationality of passports and 2021 cards are covered by no"
              " digit and are always proposed « à comparer avec le document ». A check digit cannot tell apart"
              " characters whose values differ by 10 (`<` and `K`, `6` and `G`): the first run of this bench found"
              " three older cards whose name, read « SIMONK » for SIMON, passed the final check; such values are"
              " now proposed « à comparer » (docs/mrz.md). The time is the machine's (2 CPUs shared with other"
              f" work; load average {os.getloadavg()[0]:.1f} at the end): tesseract dominates, run up to three"
              " times on a card whose checks fail."]
    if figures["wrong_checked"]:
        lines += ["", "**Checked values that were wrong:**", *[f"- {w}" for w in figures["wrong_checked"]]]
    return "\n".join(lines + [END]) + "\n"


def write(section: str, out: Path) -> None:
    """Put `section` in `out`, replacing the previous one (the rest of the page is `python -m bench`'s)."""
    page = out.read_text(encoding="utf-8") if out.exists() else "# Benchmarks\n"
    if START in page and END in page:
        page = page[:page.index(START)] + page[page.index(END) + len(END) + 1:]
    out.write_text(page.rstrip("\n") + "\n\n" + section, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reading", description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="share of the 44 documents to make (1)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "RESULTS.md")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    figures = run(args.scale, args.seed)
    section = render(figures, time.perf_counter() - started)
    write(section, args.out)
    print(section)
    return 1 if figures["wrong_checked"] else 0


if __name__ == "__main__":
    sys.exit(main())
