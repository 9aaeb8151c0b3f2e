"""The in-page panel, in a real Chromium, on small DSFR-like pages served from tests/assets.

`decide()` blocks the test's thread, so the mediator's hands are played from its `poll`
callable, which the decide loop calls every 100 ms: each call performs the next real
Playwright action (a trusted click, a key press, a reload) — the same input a mouse gives.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect

from autopilot.engine.approver import BUTTON_LABELS, Decision, FieldView, Moment, StepView
from autopilot.engine.panel import ARM_MS, PanelApprover, panel_state
from autopilot.errors import BrowserClosed

ORIGIN = "http://mairie.test"
ASSETS = Path(__file__).parent / "assets"
STRICT_CSP = "default-src 'none'; style-src 'self'; script-src 'self'; require-trusted-types-for 'script'"

EVERYTHING = frozenset(Decision)
FIELDS = (
    FieldView("Nom de naissance", "DUPONT", "usager.nom_naissance", actual="DUPONT"),
    FieldView("Prénoms", "Marie Jeanne", "usager.prenoms", actual="Marie"),
    FieldView("Date de naissance", "14/07/1985", "usager.date_naissance | jj_mm_aaaa"),
)


def step(title: str = "État civil", **changes) -> StepView:
    values = {
        "flow_title": "Pré-demande de passeport",
        "index": 2,
        "total": 5,
        "title": title,
        "moment": Moment.REVIEW,
        "allowed": frozenset({Decision.APPROVE, Decision.SKIP, Decision.TAKEOVER, Decision.STOP}),
        "fields": FIELDS,
    }
    return StepView(**(values | changes))


@pytest.fixture
def site(context: BrowserContext) -> str:
    """tests/assets served at http://mairie.test/; under /csp/ with a strict Content-Security-Policy."""

    def serve(route: Route) -> None:
        path = urlsplit(route.request.url).path
        headers = {"content-type": "text/html; charset=utf-8"}
        if path.startswith("/csp/"):
            path = path.removeprefix("/csp")
            headers["content-security-policy"] = STRICT_CSP
        file = ASSETS / path.lstrip("/")
        if file.is_file():
            route.fulfill(status=200, headers=headers, body=file.read_bytes())
        else:
            route.fulfill(status=404, body="introuvable")

    context.route(f"{ORIGIN}/**", serve)
    return ORIGIN


@pytest.fixture
def approver(request, context: BrowserContext, page: Page, site: str) -> PanelApprover:
    """The panel on formulaire.html. Its buttons accept clicks at once (arm_ms=0) unless a test
    passes the real delay through indirect parametrization."""
    page.set_default_timeout(5_000)
    panel = PanelApprover(context, arm_ms=getattr(request, "param", 0))
    page.goto(f"{site}/formulaire.html")
    panel.attach(page)
    return panel


def panel(page: Page):
    return page.locator("autopilot-panel")


def button(page: Page, name: str):
    return panel(page).get_by_role("button", name=name, exact=True)


def click(page: Page, name: str) -> Callable[[], None]:
    return lambda: button(page, name).click()


class Hands:
    """A `poll` that performs one action per call, `idle` calls apart; fails if decide hangs."""

    def __init__(self, *actions: Callable[[], object], idle: int = 1, patience: int = 30) -> None:
        self.todo: list[Callable[[], object] | None] = []
        for action in actions:
            self.todo += [action] + [None] * idle
        self.done = 0
        self.total = len(actions)
        self.patience = patience

    def __call__(self) -> bool:
        if self.todo:
            action = self.todo.pop(0)
            if action is not None:
                action()
                self.done += 1
            return False
        self.patience -= 1
        if self.patience < 0:
            raise AssertionError("decide() is still waiting after the mediator's last action")
        return False


def still_waiting() -> bool:
    return False


# --- buttons and decisions -------------------------------------------------------------

ALLOWED_AT = {
    Moment.REVIEW: {Decision.APPROVE, Decision.SKIP, Decision.TAKEOVER, Decision.STOP},
    Moment.MANUAL: {Decision.RESUME, Decision.TAKEOVER, Decision.STOP},
    Moment.BLOCKED: {Decision.TAKEOVER, Decision.SKIP, Decision.STOP},
    Moment.TAKEOVER: {Decision.RESUME, Decision.STOP},
    Moment.DONE: {Decision.STOP},
}


def test_buttons_are_exactly_the_allowed_decisions(page, approver):
    for moment, allowed in ALLOWED_AT.items():
        seen: list[str] = []

        def look(allowed=allowed, seen=seen) -> bool:
            for decision in Decision:
                expect(button(page, BUTTON_LABELS[decision])).to_have_count(1 if decision in allowed else 0)
            seen.extend(b.text_content() for b in panel(page).get_by_role("button").all())
            return True

        assert approver.decide(step(moment=moment, allowed=frozenset(allowed)), look) is Decision.RESUME
        expected = [BUTTON_LABELS[d] for d in Decision if d in allowed] + ["Réduire le panneau"]
        assert sorted(seen) == sorted(expected), moment


def test_each_button_returns_its_decision(page, approver):
    for decision in Decision:
        confirm = [click(page, "Oui, arrêter la démarche")] if decision is Decision.STOP else []  # its second click
        hands = Hands(click(page, BUTTON_LABELS[decision]), *confirm)
        assert approver.decide(step(allowed=EVERYTHING), hands) is decision


def test_keyboard_enter_on_a_panel_button_decides(page, approver):
    def press_enter_on_approve() -> None:
        approve = button(page, "Valider et continuer")
        expect(approve).to_be_enabled()
        approve.focus()
        page.keyboard.press("Enter")

    assert approver.decide(step(), Hands(press_enter_on_approve)) is Decision.APPROVE


def test_enter_in_the_page_never_decides(page, approver):
    def enter_in_a_field() -> None:
        page.get_by_label("Prénoms").fill("Marie")
        page.get_by_label("Prénoms").press("Enter")  # submits the site's form, nothing else

    submitted = lambda: page.wait_for_url(lambda url: "prenoms=Marie" in url)  # noqa: E731
    hands = Hands(enter_in_a_field, submitted, click(page, "Passer cette étape"))
    assert approver.decide(step(), hands) is Decision.SKIP
    assert hands.done == hands.total
    assert "prenoms=Marie" in page.url


def test_a_click_on_an_earlier_view_is_discarded(page, approver):
    first = step("État civil")
    assert approver.decide(first, lambda: True) is Decision.RESUME  # e.g. the code was typed
    # The mediator clicks the first view's button while the engine is busy elsewhere.
    button(page, "Arrêter la démarche").click()
    button(page, "Oui, arrêter la démarche").click()
    page.wait_for_timeout(300)
    hands = Hands(click(page, "Passer cette étape"))
    assert approver.decide(step("Adresse"), hands) is Decision.SKIP


def test_a_second_decision_for_one_step_does_not_carry_over(page, approver):
    def click_reload_click() -> None:
        # Both clicks reach Python before decide() looks at its queue again.
        button(page, "Passer cette étape").click()
        page.reload()
        button(page, "Arrêter la démarche").click()
        button(page, "Oui, arrêter la démarche").click()
        page.wait_for_timeout(200)

    assert approver.decide(step("État civil"), Hands(click_reload_click)) is Decision.SKIP
    hands = Hands(click(page, "Je prends la main"))
    assert approver.decide(step("Adresse"), hands) is Decision.TAKEOVER


def test_only_trusted_clicks_on_the_real_view_decide(page, approver):
    view = step()
    forged = panel_state(view, seq=10**9, token="forgé", decidable=True, collapsed=False)
    hands = Hands(
        lambda: expect(button(page, "Valider et continuer")).to_be_enabled(),
        # A site script clicking the panel's button: not a trusted event.
        lambda: page.evaluate(
            "document.querySelector('autopilot-panel').shadowRoot.querySelector('button.primary').click()"
        ),
        # A site script drawing its own view, then the mediator clicking it: wrong token.
        lambda: page.evaluate("state => window.__autopilot.render(state)", forged),
        click(page, "Valider et continuer"),
        lambda: expect(panel(page).get_by_text("Décision transmise…")).to_be_visible(),
    )

    def poll() -> bool:
        hands()
        return hands.done == hands.total and not hands.todo

    assert approver.decide(view, poll) is Decision.RESUME


# --- gates ---------------------------------------------------------------------------------


def test_submit_gate_needs_a_confirmation(page, approver):
    box = panel(page).get_by_role("region", name="Envoi définitif")
    hands = Hands(
        click(page, "Valider et continuer"),
        lambda: expect(box).to_contain_text(
            "Cette action envoie la demande à l'administration. Vérifiez le récapitulatif avec l'usager."
        ),
        lambda: expect(button(page, "Valider et continuer")).to_have_count(0),
        click(page, "Annuler"),
        lambda: expect(box).to_have_count(0),
        click(page, "Valider et continuer"),
        click(page, "Confirmer l'envoi"),
    )
    view = step("Validation", gate="submit", fields=())
    assert approver.decide(view, hands) is Decision.APPROVE
    assert hands.done == hands.total


@pytest.mark.parametrize("approver", [ARM_MS], indirect=True)
def test_a_hasty_second_click_does_not_pass_the_gate(page, approver):
    # The page's clock stands still between the two clicks, as a double click's 100 ms would seem to
    # the panel, however slow the machine running the test.
    page.clock.install()

    def click_twice() -> None:
        page.clock.pause_at(time.time() + 60)
        button(page, "Valider et continuer").click()
        # At once on « Confirmer l'envoi », as a double click or an impatient hand would:
        # the box's buttons are inert for a moment, so this does not confirm.
        expect(button(page, "Confirmer l'envoi")).to_be_disabled()
        button(page, "Confirmer l'envoi").click(force=True)
        page.clock.resume()

    hands = Hands(click_twice, click(page, "Annuler"), click(page, "Passer cette étape"), idle=2)
    assert approver.decide(step("Validation", gate="submit", fields=()), hands) is Decision.SKIP


def test_payment_by_hand_hides_personal_values(page, approver):
    view = step(
        "Paiement",
        moment=Moment.MANUAL,
        gate="payment",
        allowed=frozenset({Decision.RESUME, Decision.TAKEOVER, Decision.STOP}),
    )
    approver.show(view)
    expect(panel(page)).to_contain_text(
        "L'usager saisit lui-même les données de sa carte bancaire sur le site : "
        "autopilot ne les lit pas et ne les saisit pas."
    )
    expect(panel(page)).to_contain_text("Les données personnelles sont masquées pendant le paiement.")
    expect(panel(page)).not_to_contain_text("DUPONT")


# --- what the panel shows --------------------------------------------------------------


def test_fields_sources_and_mismatch(page, approver):
    approver.show(step())
    rows = panel(page).get_by_role("row")
    expect(rows.filter(has_text="Nom de naissance")).to_contain_text("DUPONTSource : usager.nom_naissance")
    expect(panel(page).get_by_text("Valeur différente sur la page")).to_have_count(1)
    expect(rows.filter(has_text="Prénoms")).to_contain_text("Valeur différente sur la page : « Marie »")
    expect(panel(page)).to_contain_text(
        "Attention : 1 champ n'a pas sur la page la valeur prévue. Vérifiez-le ci-dessous."
    )


def test_secrets_never_reach_the_page(page, approver):
    secret = FieldView("Mot de passe", "s3cr3t-mandataire", "compte ants", actual="s3cr3t-autre", secret=True)
    approver.show(step("Connexion", fields=(secret,)))
    expect(panel(page).get_by_role("row", name="Mot de passe")).to_contain_text("••••••••")
    html = page.evaluate("document.querySelector('autopilot-panel').shadowRoot.innerHTML")
    assert "s3cr3t" not in html
    expect(panel(page).get_by_text("Valeur différente sur la page")).to_have_count(0)


def test_site_errors_and_message(page, approver):
    approver.show(step(
        moment=Moment.BLOCKED,
        site_errors=("La date de naissance doit être au format JJ/MM/AAAA.",),
        message="Le site a refusé la saisie.",
    ))
    alert = panel(page).get_by_role("alert")
    expect(alert).to_have_text("Le site signale :La date de naissance doit être au format JJ/MM/AAAA.")
    expect(panel(page)).to_contain_text("Démarche bloquée")
    expect(panel(page)).to_contain_text("Le site a refusé la saisie.")


def test_done_shows_outputs_without_asking(page, approver):
    done = step(
        "Confirmation",
        moment=Moment.DONE,
        index=5,
        allowed=frozenset(),
        fields=(),
        outputs=(("Numéro de pré-demande", "PD2025-7K4M9X"),),
    )
    started = time.monotonic()
    approver.show(done)
    assert time.monotonic() - started < 2
    outputs = panel(page).get_by_role("region", name="Résultat de la démarche")
    expect(outputs).to_have_text("Résultat de la démarcheNuméro de pré-demandePD2025-7K4M9X")
    value = outputs.get_by_text("PD2025-7K4M9X")
    assert value.evaluate("el => getComputedStyle(el).userSelect") == "all"
    assert float(value.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")) >= 24
    expect(panel(page).get_by_role("button")).to_have_text(["Réduire le panneau"])


def test_landmark_headings_and_progress(page, approver):
    approver.show(step())
    aside = page.get_by_role("complementary", name="Assistant autopilot")
    expect(aside).to_have_attribute("lang", "fr")
    expect(aside.get_by_role("heading", name="Pré-demande de passeport")).to_be_visible()
    expect(aside.get_by_role("heading", name="État civil")).to_be_visible()
    # The page shows the site's own stepper (« Étape 1 sur 4 »): the panel counts as the mediator sees.
    expect(aside).to_contain_text("Étape 1 sur 4")
    bar = aside.get_by_role("progressbar")
    expect(bar).to_have_attribute("aria-valuenow", "1")
    expect(bar).to_have_attribute("aria-valuemax", "4")
    # Outside <body>, marked, so the engine's locators never take the panel for the site.
    assert page.evaluate(
        "() => { const h = document.querySelector('autopilot-panel');"
        " return h.parentElement === document.documentElement && h.hasAttribute('data-autopilot-panel'); }"
    )


def test_body_scoped_locators_never_see_the_panel(page, approver):
    """The engine must look for the site's targets under <body>: Playwright pierces open shadow roots."""
    approver.show(step("Adresse"))  # the site still shows « État civil »
    expect(page.get_by_role("heading", name="Adresse", exact=True)).to_have_count(1)
    expect(page.locator("body").get_by_role("heading", name="Adresse", exact=True)).to_have_count(0)


CONTRAST = """root => {
  const rgb = (c) => c.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let n = el; n; n = n.parentElement || (n.getRootNode().host ?? null)) {
      const c = rgb(getComputedStyle(n).backgroundColor);
      if (c.length < 4 || c[3] === 1) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const failures = [];
  for (const el of root.querySelectorAll('*')) {
    const text = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.data).join('').trim();
    if (!text || el.closest('.sr-only')) continue;
    const style = getComputedStyle(el);
    const [a, b] = [lum(rgb(style.color).slice(0, 3)), lum(background(el))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) failures.push(`${text} : ${ratio.toFixed(2)}`);
  }
  return failures;
}"""


def test_text_contrast(page, approver):
    failures: list[str] = []

    def check() -> None:
        failures.extend(page.evaluate(
            f"() => ({CONTRAST})(document.querySelector('autopilot-panel').shadowRoot)"
        ))

    hands = Hands(
        check,
        click(page, "Valider et continuer"),
        check,  # the gate's confirmation box
        click(page, "Annuler"),
        click(page, "Passer cette étape"),
        idle=1,
    )
    view = step(gate="submit", site_errors=("Champ obligatoire.",), allowed=EVERYTHING)
    assert approver.decide(view, hands) is Decision.SKIP
    for moment in Moment:
        approver.show(step(moment=moment, outputs=(("Numéro", "X1"),)))
        check()
    button(page, "Réduire le panneau").click()
    check()
    assert failures == []


# --- the page is never covered, and the panel survives loads ----------------------------

UNCOVERED = """() => {
  const panel = document.querySelector('autopilot-panel').getBoundingClientRect();
  return [...document.querySelectorAll('input')].map((field) => {
    const box = field.getBoundingClientRect();
    const centre = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
    const rightEdge = document.elementFromPoint(box.right - 2, box.y + box.height / 2);
    return {id: field.id, centre: centre === field, rightEdge: rightEdge === field, left: box.right <= panel.left};
  });
}"""


@pytest.mark.parametrize("folded", [False, True], ids=["ouvert", "replié"])
def test_fields_are_never_covered(page, approver, folded):
    approver.show(step())
    if folded:
        button(page, "Réduire le panneau").click()
        expect(button(page, "Afficher le panneau")).to_be_visible()
    results = page.evaluate(UNCOVERED)
    assert [r["id"] for r in results] == ["nom", "prenoms", "naissance"]
    for result in results:
        assert result == {"id": result["id"], "centre": True, "rightEdge": True, "left": True}


def test_fold_and_unfold_is_remembered_across_loads(page, approver):
    approver.show(step())
    button(page, "Réduire le panneau").click()
    expect(button(page, "Afficher le panneau")).to_be_visible()
    assert page.evaluate("getComputedStyle(document.documentElement).marginRight") == "48px"
    page.reload()
    expect(button(page, "Afficher le panneau")).to_be_visible()
    expect(button(page, "Réduire le panneau")).to_have_count(0)
    button(page, "Afficher le panneau").click()
    expect(panel(page).get_by_role("heading", name="État civil")).to_be_visible()
    assert page.evaluate("getComputedStyle(document.documentElement).marginRight") == "360px"
    page.goto(f"{ORIGIN}/adresse.html")
    expect(button(page, "Réduire le panneau")).to_be_visible()


def test_panel_comes_back_after_reload_and_navigation(page, approver):
    heading = panel(page).get_by_role("heading", name="État civil")
    hands = Hands(
        page.reload,
        lambda: expect(heading).to_be_visible(),
        lambda: page.goto(f"{ORIGIN}/adresse.html"),
        lambda: expect(page.get_by_role("heading", name="Adresse")).to_be_visible(),
        lambda: expect(heading).to_be_visible(),
        lambda: expect(panel(page)).to_contain_text("Valeur différente sur la page : « Marie »"),
        click(page, "Valider et continuer"),
    )
    assert approver.decide(step(), hands) is Decision.APPROVE
    assert hands.done == hands.total


def test_strict_csp_page(page, approver):
    page.goto(f"{ORIGIN}/csp/formulaire.html")
    approve = button(page, "Valider et continuer")

    def styled_and_clicked() -> None:
        assert approve.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(0, 0, 145)"
        approve.click()

    assert approver.decide(step(), Hands(styled_and_clicked)) is Decision.APPROVE


def test_attach_to_a_page_loaded_before_the_approver(context, page, site):
    page.goto(f"{site}/formulaire.html")
    late = PanelApprover(context)
    late.attach(page)
    late.show(step())
    expect(panel(page).get_by_role("heading", name="État civil")).to_be_visible()
    assert page.evaluate("typeof window.__autopilotPanel") == "undefined"


def test_only_the_attached_page_has_a_panel(context, page, approver):
    approver.show(step())
    other = context.new_page()
    other.goto(f"{ORIGIN}/adresse.html")
    other.wait_for_timeout(300)  # the other page has asked, and been told no
    expect(other.locator("autopilot-panel")).to_have_count(0)
    assert other.evaluate("getComputedStyle(document.documentElement).marginRight") == "0px"


def test_one_global_name_only(browser, page, approver, site):
    baseline = browser.new_context()
    try:
        bare = baseline.new_page()
        baseline.route(f"{ORIGIN}/**", lambda route: route.fulfill(
            body=(ASSETS / "formulaire.html").read_bytes(), headers={"content-type": "text/html"}))
        bare.goto(f"{ORIGIN}/formulaire.html")
        names = "Object.getOwnPropertyNames(window)"
        added = set(page.evaluate(names)) - set(bare.evaluate(names))
    finally:
        baseline.close()
    # Playwright's own binding machinery is not ours to hide.
    assert {name for name in added if not name.startswith("__playwright")} == {"__autopilot"}


# --- the browser goes away ---------------------------------------------------------------


def test_closing_the_window_while_waiting_raises_browser_closed(page, approver):
    # Returns at once; the tab closes while decide() waits, as when the mediator closes it.
    hands = Hands(lambda: page.close(run_before_unload=True))
    started = time.monotonic()
    with pytest.raises(BrowserClosed) as caught:
        approver.decide(step(), hands)
    assert str(caught.value) == "La fenêtre du navigateur a été fermée : la démarche est interrompue."
    assert caught.value.step == "État civil"
    assert time.monotonic() - started < 3


def test_deciding_on_a_closed_page_raises_browser_closed(page, approver):
    page.close()
    with pytest.raises(BrowserClosed):
        approver.decide(step(), still_waiting)


def test_a_view_shown_during_a_navigation_still_appears(page, approver):
    page.evaluate("location.href = '/adresse.html'")  # the site navigates on its own
    approver.show(step("Adresse"))
    page.wait_for_url("**/adresse.html")
    expect(panel(page).get_by_role("heading", name="Adresse")).to_be_visible()


# --- what the mediator reads: the step count, the results, the stop --------------------


def test_without_a_site_stepper_the_panel_counts_the_flows_steps(page, approver):
    page.goto(f"{ORIGIN}/adresse.html")
    approver.attach(page)
    approver.show(step("Adresse"))
    aside = page.get_by_role("complementary", name="Assistant autopilot")
    # The flow's steps are not the site's: no « Étape 2 sur 5 » the mediator would look for on the page.
    expect(aside.locator("#ap-progress")).to_have_text("Avancement : 2 sur 5")
    expect(aside).not_to_contain_text("Étape 2")
    expect(aside.get_by_role("progressbar")).to_have_attribute("aria-valuemax", "5")
    expect(aside.get_by_role("progressbar")).to_have_attribute("aria-valuetext", "Avancement : 2 sur 5")


def test_a_reference_is_shown_to_note_and_a_sentence_plainly(page, approver):
    approver.show(step("Confirmation", moment=Moment.DONE, allowed=frozenset(), fields=(),
                       outputs=(("Numéro de dossier", "AB12CD34EF"), ("Résultat de l'examen", "Favorable"),
                                ("Solde de points", "12"))))
    outputs = panel(page).get_by_role("region", name="Résultat de la démarche")
    font = "el => getComputedStyle(el).fontFamily"
    assert "monospace" in outputs.get_by_text("AB12CD34EF").evaluate(font)
    for sentence in ("Favorable", "12"):
        shown = outputs.get_by_text(sentence, exact=True)
        assert "monospace" not in shown.evaluate(font)
        assert float(shown.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")) < 24


def test_a_review_with_nothing_filled_does_not_ask_to_check_values(page, approver):
    approver.show(step("Confirmation du choix", fields=(), message="Vérifiez les valeurs avec l'usager, puis validez."))
    expect(panel(page)).to_contain_text("Rien n'a été rempli sur cette page : vérifiez-la avec l'usager")
    expect(panel(page)).not_to_contain_text("Vérifiez les valeurs")


def test_the_sites_refusal_is_shown_once(page, approver):
    said = "Ce code de cession a expiré : il était valable 15 jours après la déclaration de cession."
    approver.show(step("Identification du véhicule", moment=Moment.BLOCKED, fields=(), site_errors=(said,),
                       message=f"Étape « Identification du véhicule » : le site a refusé la saisie : « {said} »"
                               " Corrigez avec l'usager (« Je prends la main »), puis « Reprendre »."))
    expect(panel(page).get_by_role("alert")).to_contain_text(said)
    aside = page.get_by_role("complementary", name="Assistant autopilot")
    assert aside.inner_text().count("expiré") == 1
    expect(panel(page)).to_contain_text("le site a refusé la saisie. Corrigez avec l'usager")


def test_stopping_asks_a_second_click_in_the_panel(page, approver):
    hands = Hands(
        click(page, "Arrêter la démarche"),
        lambda: expect(button(page, "Oui, arrêter la démarche")).to_be_visible(),
        click(page, "Non, continuer"),  # the mediator changes their mind: nothing decided
        lambda: expect(button(page, "Oui, arrêter la démarche")).to_have_count(0),
        click(page, "Passer cette étape"),
    )
    assert approver.decide(step(), hands) is Decision.SKIP
    hands = Hands(click(page, "Arrêter la démarche"), click(page, "Oui, arrêter la démarche"))
    assert approver.decide(step("Adresse"), hands) is Decision.STOP
