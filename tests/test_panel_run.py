"""A démarche driven through the in-page panel, as the mediator does it: the test attaches to
the browser autopilot opened (--remote-debugging-port) and clicks the panel's buttons."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from attached import attach, free_port, needs_display
from citizens import CAMILLE, CAMILLE_RECEIVED

ROOT = Path(__file__).resolve().parents[1]
REVIEWS = ["Connexion", "Motif de la demande", "État civil", "Adresse", "Filiation", "Timbre fiscal", "Récapitulatif"]


class Autopilot:
    """`autopilot run` in its own process, with the test attached to its browser."""

    def __init__(self, browser_type, sandbox, data_file: Path, *, headless: bool = True) -> None:
        self.port = free_port()
        args = [sys.executable, "-m", "autopilot", "run", "passeport-pre-demande", "--data", str(data_file),
                "--sandbox-url", sandbox.address, "--remote-debugging-port", str(self.port)]
        self.process = subprocess.Popen(args + (["--headless"] if headless else []), cwd=ROOT,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.browser = attach(browser_type, self.port, self.process)
        self.page = self.browser.contexts[0].pages[0]
        self.panel = self.page.locator("autopilot-panel")

    def at_step(self, title: str) -> None:
        """Wait until the panel presents `title`."""
        self.panel.get_by_role("heading", name=title, exact=True).wait_for(timeout=20_000)

    def click(self, name: str) -> None:
        self.panel.get_by_role("button", name=name, exact=True).click(timeout=20_000)

    def finish(self) -> tuple[int, str, str]:
        out, err = self.process.communicate(timeout=60)
        return self.process.returncode, out, err


@pytest.fixture
def camille_file(tmp_path) -> Path:
    path = tmp_path / "camille.yaml"
    path.write_text(yaml.safe_dump(CAMILLE, allow_unicode=True), encoding="utf-8")
    return path


def approve_until(run: Autopilot, title: str) -> None:
    """« Valider et continuer » at every step before `title`, then wait for `title`."""
    for earlier in REVIEWS[: REVIEWS.index(title)]:
        run.at_step(earlier)
        run.click("Valider et continuer")
    run.at_step(title)


def approve_everything(run: Autopilot) -> None:
    for title in REVIEWS:
        run.at_step(title)
        run.click("Valider et continuer")
        if title == "Récapitulatif":
            run.click("Confirmer l'envoi")


def test_the_mediator_approves_each_step_in_the_panel(browser_type, sandbox, camille_file):
    run = Autopilot(browser_type, sandbox, camille_file)
    approve_everything(run)
    status, out, err = run.finish()

    assert status == 0, err
    [record] = sandbox.received("passeport-pre-demande")
    assert record["data"] == CAMILLE_RECEIVED
    assert out.splitlines()[-1] == f"Numéro de pré-demande : {record['numero_predemande']}"


def test_the_submit_gate_needs_its_confirmation(browser_type, sandbox, camille_file):
    run = Autopilot(browser_type, sandbox, camille_file)
    approve_until(run, "Récapitulatif")
    run.click("Valider et continuer")
    run.click("Annuler")  # the mediator changes their mind: back to the choice, nothing sent
    time.sleep(1)
    assert sandbox.received() == []
    run.click("Arrêter la démarche")
    run.click("Oui, arrêter la démarche")
    status, out, _ = run.finish()

    assert status == 10
    assert "Démarche interrompue à l'étape « Récapitulatif » : rien d'autre n'a été envoyé." in out
    assert sandbox.received() == []


def test_stopping_in_the_panel_sends_nothing(browser_type, sandbox, camille_file):
    run = Autopilot(browser_type, sandbox, camille_file)
    approve_until(run, "État civil")
    run.click("Arrêter la démarche")
    run.click("Oui, arrêter la démarche")
    status, out, _ = run.finish()

    assert status == 10
    assert "Démarche interrompue à l'étape « État civil »" in out
    assert sandbox.received() == []


def test_enter_in_a_page_field_never_approves(browser_type, sandbox, camille_file):
    run = Autopilot(browser_type, sandbox, camille_file)
    approve_until(run, "État civil")
    field = run.page.locator("body").get_by_label("Commune de naissance")
    field.press("Enter")  # the site's own form reacts; the panel must not
    run.page.wait_for_load_state()
    # The site moved on by itself: autopilot notices and clicks nothing on the new page.
    run.click("Valider et continuer")
    run.at_step("État civil")
    run.panel.get_by_text("la page a changé pendant la vérification ; rien n'a été cliqué").wait_for()
    run.click("Arrêter la démarche")
    run.click("Oui, arrêter la démarche")
    status, _, _ = run.finish()
    assert status == 10
    assert sandbox.received() == []


@pytest.mark.headed
def test_a_visible_browser_under_xvfb(browser_type, sandbox, camille_file):
    needs_display()
    run = Autopilot(browser_type, sandbox, camille_file, headless=False)
    approve_everything(run)
    run.at_step("Confirmation")
    run.page.close()  # the mediator closes the window when done
    status, _out, err = run.finish()

    assert status == 0, err
    [record] = sandbox.received("passeport-pre-demande")
    assert record["data"] == CAMILLE_RECEIVED
