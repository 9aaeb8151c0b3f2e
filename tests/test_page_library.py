"""The engine's page library, given once to each document (engine/dom.py, ADR 0021).

A hostile page looks for it under every name the window has and tries to make the review lie:
its field takes the citizen's name and then puts back another, and its script keeps trying to
replace the library with one whose read-back answers what the engine typed. The engine must read
what the page really holds, stop the unattended run on the difference, and send nothing. A page
shown before the run gets the library in its frames too; a document that never got it is sent the
whole script.
"""

from __future__ import annotations

import routed_site
from playwright.sync_api import BrowserContext

from autopilot.engine import dom
from autopilot.engine.approver import ApproveAll
from autopilot.engine.origins import Origins
from autopilot.engine.runner import Outcome, Runner, Timeouts
from autopilot.flows.model import Flow

ORIGIN = "https://hostile.test"
FAST = Timeouts(page=6, response=8)
HOSTILE = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Demande</title></head><body>
<h1>Votre demande</h1>
<label for="nom">Nom</label><input id="nom" type="text">
<button id="envoyer" type="button">Envoyer</button>
<script>
window.tamper = [];
document.getElementById("nom").addEventListener("input", (event) => {
  setTimeout(() => { event.target.value = "Dupont"; }, 0);
});
document.getElementById("envoyer").addEventListener("click", () => fetch("/envoi", { method: "POST" }));
const liar = (lib) => Object.freeze({ ...lib, readBack: () => "Lefèvre" });
setInterval(() => {
  for (const name of Object.getOwnPropertyNames(window).filter((n) => n.startsWith("__autopilot_"))) {
    const lib = window[name];
    if (!lib || typeof lib.readBack !== "function" || lib.readBack === liar(lib).readBack) continue;
    const attempts = {
      assign: () => { window[name] = liar(lib); },
      delete: () => { delete window[name]; window[name] = liar(lib); },
      redefine: () => Object.defineProperty(window, name, { value: liar(lib) }),
      mutate: () => { lib.readBack = () => "Lefèvre"; },
    };
    for (const [how, attempt] of Object.entries(attempts)) {
      try { attempt(); } catch (error) { /* refused */ }
      if (window[name] !== lib || lib.readBack(document.getElementById("nom")) === "Lefèvre"
          && document.getElementById("nom").value !== "Lefèvre") {
        if (!window.tamper.includes(how)) window.tamper.push(how);
      }
    }
  }
}, 2);
</script></body></html>"""
HAS_LIBRARY = "() => Object.getOwnPropertyNames(window).some((n) => n.startsWith('__autopilot_'))"
FRAMED = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Demande</title></head><body>
<h1>Votre demande</h1><iframe id="cadre" style="width: 100%; height: 300px"></iframe>
<script>
const doc = document.getElementById("cadre").contentDocument;
doc.body.innerHTML = '<label for="nom">Nom</label><input id="nom" type="text">'
  + '<input type="checkbox" id="accord"><label for="accord">J\\'accepte</label>';
</script></body></html>"""


def _flow(path: str, fill: list[dict], *following: dict) -> Flow:
    return Flow.model_validate({
        "id": "hostile", "title": "Hostile", "category": "Test", "version": 1, "domains": ["hostile.test"],
        "inputs": {"nom": "texte", "accord": "texte"},
        "steps": [{"title": "Demande", "goto": f"{ORIGIN}{path}", "expect": {"heading": "Votre demande"},
                   "fill": fill, **({"next": {"button": "Envoyer"}} if following else {})}, *following],
    })


def _serve(context: BrowserContext) -> list[dict]:
    """The hostile page (the framed one at /cadre.html); what it posts to /envoi."""
    return routed_site.serve(context, ORIGIN, lambda path: FRAMED if path == "/cadre.html" else HOSTILE)


def test_a_page_script_cannot_make_the_review_lie_by_replacing_the_library(page, context):
    posted = _serve(context)
    flow = _flow("/demande.html", [{"label": "Nom", "value": "{{ nom }}"}],
                 {"title": "Envoyée", "expect": {"text": "jamais"}})
    runner = Runner(page, flow, {"nom": "Lefèvre", "accord": "oui"}, ApproveAll(),
                    origins=Origins(), report=lambda line: None, timeouts=FAST)
    result = runner.run()
    assert result.outcome is Outcome.FAILED
    assert result.error.code == "valeur-differente"
    assert page.evaluate(HAS_LIBRARY)
    assert page.evaluate("() => window.tamper") == []
    assert posted == []


def test_a_page_shown_before_the_run_gets_the_library_in_its_frames_too(page, context):
    _serve(context)
    page.goto(f"{ORIGIN}/cadre.html")  # shown before the run: the site's scripts ran first
    flow = _flow("/cadre.html", [{"label": "Nom", "value": "{{ nom }}"},
                                 {"check": "J'accepte", "value": "{{ accord }}"}])
    lines: list[str] = []
    runner = Runner(page, flow, {"nom": "Lefèvre", "accord": "oui"}, ApproveAll(), origins=Origins(),
                    report=lines.append, timeouts=FAST)
    result = runner.run(navigate=False)
    assert result.outcome is Outcome.COMPLETED, (result.error, lines)
    framed = page.frame_locator("#cadre")
    assert framed.locator("#nom").input_value() == "Lefèvre"
    assert framed.locator("#accord").is_checked()
    assert all(frame.evaluate(HAS_LIBRARY) for frame in page.frames)


def test_a_document_without_the_library_gets_the_whole_script(page):
    page.set_content("<p>Bonjour</p>")  # never prepared: no init script, nothing given
    assert not page.evaluate(HAS_LIBRARY)
    assert dom.run(page, dom.script("(dom) => dom.pageText(document)")) == "Bonjour"


def test_a_library_not_given_by_the_init_script_never_arms_the_guard(page):
    # its listeners would come after the page's, and its state would not outlive the script: the click is
    # then made with Playwright's checks (acting.py), even with the engine's key
    page.set_content('<input type="checkbox" id="accord"><label for="accord">J\'accepte</label>')
    point = dom.run(page, dom.script("(dom, key) => dom.clickPoint(document.querySelector('#accord'), 't', true, key,"
                                     " true)"), dom.GUARD_KEY)
    assert point["armed"] is False and point["checkable"] is True
