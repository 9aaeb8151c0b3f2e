"""Conformance on markup nobody here wrote: the official DSFR's own examples (ADR 0010, ADR 0011).

The set-up installs npm's `@gouvfr/dsfr` (never vendored); its `example/` holds one page per
component and form pattern, each showing its variants, every variant followed by its « Extrait de
code ». Each variant becomes one test page, served with the official CSS and JS. Every visible,
enabled, labelled control of it is found by its visible label — the label's text with the required
marker, the hint, the messages and a help button removed, computed here independently of the
engine — and filled or ticked by the engine's own runner; the read-back must match what was planned.
Option texts the DSFR repeats inside one variant (« Libellé bouton radio » three times) are
numbered first, since the engine refuses to guess between identical labels. The counts per
kind are printed (run with -s to see them) and checked against a floor.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, Route

from autopilot import scans
from autopilot.engine.approver import Moment, ScriptedApprover
from autopilot.engine.origins import Origins
from autopilot.engine.runner import Outcome, Runner, Timeouts
from autopilot.flows.model import Flow
from autopilot.sandbox.kit import dsfr

ORIGIN = "https://dsfr.test"
PAGES = [f"layout/pattern/{name}" for name in ("name", "date", "address", "civility", "tel", "email")] + [
    f"component/{name}" for name in
    ("input", "select", "radio", "checkbox", "toggle", "range", "password", "upload", "segmented")]
COUNTS: Counter[str] = Counter()
RAN: set[str] = set()  # the example pages checked in this run

# The variants of an official page, read from its HTML with no script run: the element before each
# « Extrait de code », climbing until that element holds a control. Repeated option texts are numbered.
_VARIANTS = """(html) => {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const CONTROLS = 'input:not([type=hidden]), select, textarea';
  const found = [];
  const choiceLabels = (root) => [...root.querySelectorAll('label[for]')].filter((label) => {
    const input = root.querySelector(`[id="${label.htmlFor}"]`);
    return input && (input.type === 'radio' || input.type === 'checkbox');
  });
  for (const button of doc.querySelectorAll('.fr-accordion__btn')) {
    if (!button.textContent.includes('Extrait de code')) continue;
    let node = button.closest('section');
    while (node && !(node.previousElementSibling && node.previousElementSibling.querySelector(CONTROLS))) {
      if (node.previousElementSibling && node.previousElementSibling.querySelector('.fr-accordion')) { node = null; break; }
      node = node.parentElement;
    }
    if (!node) continue;
    const variant = node.previousElementSibling;
    if (variant.querySelector('.fr-accordion__btn') || found.some((v) => v.el === variant)) continue;
    const texts = new Map();
    for (const label of choiceLabels(variant)) {
      const text = label.textContent.replace(/\\s+/g, ' ').trim();
      texts.set(text, (texts.get(text) || 0) + 1);
    }
    const seen = new Map();
    for (const label of choiceLabels(variant)) {
      const text = label.textContent.replace(/\\s+/g, ' ').trim();
      if (texts.get(text) < 2) continue;
      seen.set(text, (seen.get(text) || 0) + 1);
      const walker = doc.createTreeWalker(label, NodeFilter.SHOW_TEXT, { acceptNode: (n) => (n.data.trim() ? 1 : 3) });
      const first = walker.nextNode();
      if (first) first.data = first.data.replace(/\\s*$/, ` ${seen.get(text)} `);
    }
    found.push({ el: variant });
  }
  return found.map((v) => v.el.outerHTML);
}"""

# What a person reads as the name of each control (the test's own rule, not the engine's): the
# label's (or legend's) text without hint, messages, required marker and help button.
_CONTROLS = """() => {
  const strip = (el) => {
    if (!el) return '';
    const copy = el.cloneNode(true);
    copy.querySelectorAll('.fr-hint-text, .fr-message, .fr-messages-group, .fr-error-text, .fr-valid-text, .fr-required, '
      + '[role=button], button, [aria-hidden=true], .fr-sr-only').forEach((n) => n.remove());
    return copy.textContent.replace(/[\\u200b-\\u200d\\u2060\\ufeff]/g, '').replace(/\\s+/g, ' ').trim().replace(/\\s*\\*$/, '');
  };
  const visible = (el) => { const b = el.getBoundingClientRect(); const s = getComputedStyle(el);
    return b.width > 0 && b.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
  const out = [];
  const groups = new Set();
  for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
    if (el.disabled || el.readOnly || el.closest('fieldset[disabled]')) continue;
    const label = el.labels && el.labels[0];
    if (el.type === 'radio') {
      const fieldset = el.closest('fieldset');
      if (!fieldset || groups.has(fieldset)) continue;
      const legend = fieldset.querySelector(':scope > legend');
      const radios = [...fieldset.querySelectorAll('input[type=radio]')].filter((r) => !r.disabled && !r.checked
        && r.labels && r.labels[0] && visible(r.labels[0]));
      if (!legend || !strip(legend) || !radios.length) continue;
      groups.add(fieldset);
      const rich = !!el.closest('.fr-radio-rich'), segmented = !!el.closest('.fr-segmented');
      out.push({ kind: segmented ? 'segmented' : rich ? 'radio riche' : 'radio', action: 'choose',
                 name: strip(legend), option: strip(radios[radios.length - 1].labels[0]) });
      continue;
    }
    if (!label || !strip(label) || !(visible(el) || visible(label))) continue;
    const name = strip(label);
    if (el.type === 'checkbox') {
      const kind = el.closest('.fr-toggle') ? 'toggle' : 'checkbox';
      out.push({ kind, action: 'check', name, value: el.checked ? 'non' : 'oui' });
    } else if (el.tagName === 'SELECT') {
      const option = [...el.options].find((o) => o.value && !o.disabled && !o.hidden && !o.selected);
      if (option) out.push({ kind: 'select', action: 'choose', name, option: option.textContent.replace(/\\s+/g, ' ').trim() });
    } else if (el.type === 'file') {
      out.push({ kind: 'upload', action: 'upload', name });
    } else if (el.type === 'range') {
      const min = Number(el.min || 0), max = Number(el.max || 100), step = Number(el.step || 1);
      const value = Math.min(max, min + step * Math.max(1, Math.round((max - min) / step / 3)));
      out.push({ kind: 'range', action: 'label', name, value: String(value) });
    } else {
      const kind = { date: 'date', password: 'password', email: 'email', tel: 'tel', number: 'number' }[el.type] || 'input';
      const value = { date: '14/07/1985', email: 'jeanne.martin@example.fr', tel: '0612345678', number: '12' }[el.type]
        || (el.getAttribute('inputmode') === 'numeric' ? '12' : 'Valeur 1');
      out.push({ kind, action: 'label', name, value, password: el.type === 'password' });
    }
  }
  return out;
}"""


@pytest.fixture(scope="module")
def package() -> Path:
    folder = dsfr.dist_dir()
    assert folder is not None and dsfr.example_dir() is not None, "scripts/setup --test installs @gouvfr/dsfr"
    return folder.parent


def _page_html(variant: str) -> str:
    return ("<!doctype html><html lang='fr' data-fr-scheme><head><meta charset='utf-8'><title>Variante</title>"
            "<link rel='stylesheet' href='/dist/dsfr.min.css'></head><body><main class='fr-container fr-my-4w'>"
            f"{variant}</main><script type='module' src='/dist/dsfr.module.min.js'></script></body></html>")


@pytest.fixture
def served(context: BrowserContext, package: Path) -> dict[str, str]:
    """The package's files at https://dsfr.test/, and the current variant page at /variante.html."""
    current = {"html": ""}

    def serve(route: Route) -> None:
        path = urlsplit(route.request.url).path
        if path == "/variante.html":
            route.fulfill(status=200, headers={"content-type": "text/html; charset=utf-8"}, body=current["html"])
            return
        file = package / path.lstrip("/")
        if not file.is_file() or package not in file.resolve().parents:
            route.fulfill(status=404, body="")
            return
        kinds = {".css": "text/css", ".js": "text/javascript", ".html": "text/html; charset=utf-8", ".svg": "image/svg+xml"}
        route.fulfill(status=200, headers={"content-type": kinds.get(file.suffix, "application/octet-stream")},
                      body=file.read_bytes())

    context.route(f"{ORIGIN}/**", serve)
    return current


def _action(control: dict, index: int, upload: Path) -> dict:
    if control["action"] == "choose":
        return {"choose": control["name"], "value": control["option"]}
    if control["action"] == "check":
        return {"check": control["name"], "value": control["value"]}
    if control["action"] == "upload":
        return {"upload": control["name"], "file": upload.name}
    if control.get("password"):
        return {"label": control["name"], "secret": f"conformite.mot_de_passe_{index}"}
    return {"label": control["name"], "value": control["value"]}


@pytest.mark.parametrize("where", PAGES)
def test_the_official_examples_are_filled_by_their_visible_labels(where, page: Page, served, package, tmp_path,
                                                                 monkeypatch):
    monkeypatch.setenv(scans.ENV, str(tmp_path))  # the upload comes from the scanner folder, as always
    upload = tmp_path / "justificatif.pdf"
    upload.write_bytes(b"%PDF-1.4 justificatif")
    raw = (package / "example" / where / "index.html").read_text(encoding="utf-8")
    page.goto(f"{ORIGIN}/dist/dsfr.min.css")  # any page of the origin, to parse in
    variants = page.evaluate(_VARIANTS, raw)
    assert variants, f"no variant found in example/{where}"
    checked: Counter[str] = Counter()
    for number, variant in enumerate(variants, 1):
        served["html"] = _page_html(variant)
        page.goto(f"{ORIGIN}/variante.html")
        controls = page.evaluate(_CONTROLS)
        names = Counter((c["action"], c["name"]) for c in controls)
        controls = [c for c in controls if names[(c["action"], c["name"])] == 1]  # a variant may repeat a whole field
        if not controls:
            continue
        actions = [_action(c, i, upload) for i, c in enumerate(controls)]
        flow = Flow.model_validate({
            "id": "conformite", "title": "Conformité DSFR", "category": "Test", "version": 1, "domains": ["dsfr.test"],
            "steps": [{"title": f"{where} n°{number}", "fill": actions}]})
        approver = ScriptedApprover()
        runner = Runner(page, flow, {}, approver, origins=Origins(), timeouts=Timeouts(page=5, response=5),
                        secrets=lambda name: "Mot-de-passe-1",
                        secret_hosts=lambda name: ("dsfr.test",))  # the test account's one site (ADR 0013)
        result = runner.run(navigate=False)
        assert result.outcome is Outcome.COMPLETED, (where, number, result.error and result.error.message, controls)
        review = next(v for v in approver.seen if v.moment is Moment.REVIEW)
        for control, field in zip(controls, review.fields, strict=True):
            if field.secret:
                assert page.evaluate("() => [...document.querySelectorAll('.fr-password__input, input[type=password]')]"
                                     ".some((el) => el.value === 'Mot-de-passe-1')")  # « Afficher » may make it text
            else:
                assert field.actual == field.value, (where, number, control, field)
            checked[control["kind"]] += 1
    COUNTS.update(checked)
    RAN.add(where)
    print(f"\nDSFR example/{where}: {len(variants)} variantes, contrôles vérifiés : "
          + ", ".join(f"{kind} {n}" for kind, n in sorted(checked.items())))
    assert sum(checked.values()) > 0


def test_every_control_kind_was_checked():
    """After the pages above (same module): every kind the DSFR's forms offer was met, and printed."""
    if set(PAGES) != RAN:
        pytest.skip("the totals need every example page in the same run (not a subset selected with -k)")
    print("\nDSFR conformité, contrôles vérifiés par type : " + ", ".join(f"{k} {n}" for k, n in sorted(COUNTS.items()))
          + f" (total {sum(COUNTS.values())})")
    expected = {"input", "select", "radio", "radio riche", "segmented", "checkbox", "toggle", "range", "date",
                "password", "upload", "email", "tel"}
    assert expected <= set(COUNTS), expected - set(COUNTS)
