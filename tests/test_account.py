"""The mairie's compte mandataire: the password in the real OS keyring (Secret Service in
CI), the login as a flow, the one-time code as a manual step, an expired session, and proof
that neither the password nor the code leaks anywhere."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
import yaml
from citizens import CAMILLE, CAMILLE_RECEIVED
from test_cli import autopilot
from test_panel_run import REVIEWS, Autopilot

from autopilot import credentials
from autopilot.engine.approver import Decision, Moment, ScriptedApprover
from autopilot.engine.origins import Origins
from autopilot.engine.runner import Outcome
from autopilot.engine.session import Session

IDENTIFIANT = "espace-numerique@saint-exemple.fr"
PASSWORD = "Tr0p-Secret-Mairie-8831"


@pytest.fixture(autouse=True)
def clean_account(autopilot_home):
    """No account stored before or after each test (keyring entry and settings file)."""
    yield
    credentials.delete("ants", "mot_de_passe")
    credentials.delete("sandbox:ants", "mot_de_passe")
    (Path(autopilot_home) / "config" / "config.yaml").unlink(missing_ok=True)


@pytest.fixture(scope="module", autouse=True)
def real_keyring():
    """These tests need the OS keyring itself, never a file or an in-memory stand-in."""
    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    empty_chain = hasattr(backend, "backends") and not backend.backends
    if name.startswith(("keyring.backends.fail", "keyring.backends.null")) or empty_chain:
        pytest.fail(f"no OS keyring here ({name}): run the tests with scripts/test, which starts one")
    return backend


def store_account(password: str = PASSWORD, name: str = "ants") -> None:
    """`autopilot account set`: `ants` for the real sites, `sandbox:ants` for a sandbox (ADR 0008)."""
    done = autopilot("account", "set", name, "--identifiant", IDENTIFIANT, "--password-stdin",
                     stdin=password + "\n")
    assert done.returncode == 0, done.stderr


def test_account_set_stores_the_password_in_the_keyring_only(autopilot_home):
    store_account()

    assert keyring.get_password("autopilot:ants", "mot_de_passe") == PASSWORD
    settings = yaml.safe_load((Path(autopilot_home) / "config" / "config.yaml").read_text(encoding="utf-8"))
    assert settings["comptes"] == {"ants": {"identifiant": IDENTIFIANT}}
    assert PASSWORD not in (Path(autopilot_home) / "config" / "config.yaml").read_text(encoding="utf-8")
    listed = autopilot("account", "list")
    assert listed.stdout.strip() == f"ants : identifiant {IDENTIFIANT}, mot de passe enregistré"


def test_account_delete_removes_both(autopilot_home):
    store_account()
    done = autopilot("account", "delete", "ants")
    assert done.returncode == 0
    assert keyring.get_password("autopilot:ants", "mot_de_passe") is None
    assert autopilot("account", "list").stdout.startswith("Aucun compte enregistré.")


def test_account_test_logs_in_with_the_stored_credentials(sandbox):
    sandbox.add_account(IDENTIFIANT, PASSWORD)
    store_account(name="sandbox:ants")
    done = autopilot("account", "test", "ants", "--sandbox-url", sandbox.address, "--headless")
    assert done.returncode == 0, done.stderr
    assert "Connexion réussie au compte « ants »." in done.stdout


def test_a_wrong_password_shows_the_sites_message(sandbox):
    sandbox.add_account(IDENTIFIANT, "le-vrai-mot-de-passe")
    store_account("un-mot-de-passe-perime", name="sandbox:ants")
    done = autopilot("account", "test", "ants", "--sandbox-url", sandbox.address, "--headless")
    assert done.returncode == 8
    assert "le site a refusé la saisie : « Identifiant ou mot de passe incorrect. »" in done.stderr


def test_a_wrong_password_is_tried_once_not_in_a_loop(page, sandbox, library):
    sandbox.add_account(IDENTIFIANT, "le-vrai-mot-de-passe")
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" and "se-connecter" in r.url else None)
    session = Session(page, library, ScriptedApprover(), origins=Origins(sandbox.port),
                      secrets={"ants.mot_de_passe": "un-mot-de-passe-perime"}.__getitem__,
                      accounts={"ants": {"identifiant": IDENTIFIANT}})
    failed = session.login("ants")

    assert failed is not None and failed.outcome is Outcome.STOPPED
    assert failed.error.site_errors == ["Identifiant ou mot de passe incorrect."]
    assert len(posts) == 1


def test_the_run_with_stored_credentials_finishes(sandbox, tmp_path):
    sandbox.add_account(IDENTIFIANT, PASSWORD)
    store_account(name="sandbox:ants")
    data = tmp_path / "usager.yaml"
    data.write_text(yaml.safe_dump(CAMILLE, allow_unicode=True), encoding="utf-8")
    done = autopilot("run", "passeport-pre-demande", "--data", str(data), "--sandbox-url", sandbox.address,
                     "--headless", "--approve-all")
    assert done.returncode == 0, done.stderr
    [record] = sandbox.received()
    assert record["account"] == IDENTIFIANT and record["data"] == CAMILLE_RECEIVED
    # the session was closed on the site before the browser was: the next visitor finds none
    assert "Déconnexion du compte effectuée." in done.stdout
    assert sandbox.open_sessions() == []


def test_a_missing_keyring_entry_says_how_to_store_it(sandbox, tmp_path, autopilot_home):
    config = Path(autopilot_home) / "config" / "config.yaml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(yaml.safe_dump({"comptes": {"sandbox:ants": {"identifiant": IDENTIFIANT}}}), encoding="utf-8")
    data = tmp_path / "usager.yaml"
    data.write_text(yaml.safe_dump(CAMILLE, allow_unicode=True), encoding="utf-8")
    done = autopilot("run", "passeport-pre-demande", "--data", str(data), "--sandbox-url", sandbox.address,
                     "--headless", "--approve-all")
    assert done.returncode == 7
    assert done.stderr.splitlines() == [
        "Erreur : Le mot de passe du compte « sandbox:ants » n'est pas enregistré sur ce poste.",
        "  → Enregistrez-le avec `autopilot account set sandbox:ants`.",
    ]
    assert sandbox.received() == []


def test_no_keyring_at_all_is_explained():
    done = autopilot("account", "set", "ants", "--identifiant", IDENTIFIANT, "--password-stdin",
                     stdin=PASSWORD + "\n", env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    assert done.returncode == 7
    assert done.stderr.startswith("Erreur : Aucun trousseau de mots de passe n'est disponible sur ce poste.")
    assert "jamais un mot de passe dans un fichier" in done.stderr


def test_the_one_time_code_is_a_manual_step_resumed_by_its_condition(page, sandbox, run_demarche):
    sandbox.otp = True

    def mediator_types_the_code(view):
        code = sandbox.mailbox()[-1]["body"].rsplit(" ", 1)[-1]
        page.locator("body").get_by_label("Code de vérification").fill(code)
        page.locator("body").get_by_role("button", name="Valider", exact=True).click()

    result, approver, _ = run_demarche("passeport-pre-demande", CAMILLE, ScriptedApprover(human=mediator_types_the_code))

    assert result.outcome is Outcome.COMPLETED, result.error
    manual = [v for v in approver.seen if v.moment is Moment.MANUAL]
    assert [v.title for v in manual] == ["Code de vérification"]
    assert manual[0].allowed == {Decision.RESUME, Decision.STOP}
    assert manual[0].message.startswith("L'ANTS a envoyé un code à la boîte mail de la mairie.")
    assert only_one(sandbox)["data"] == CAMILLE_RECEIVED


def only_one(sandbox) -> dict:
    records = sandbox.received()
    assert len(records) == 1, records
    return records[0]


def test_an_expired_session_logs_in_again_and_resumes_the_step(page, sandbox, run_demarche):
    class ExpiresDuringFiliation(ScriptedApprover):
        expired = False

        def decide(self, view, poll=None):
            if view.title == "Filiation" and view.moment is Moment.REVIEW and not self.expired:
                self.expired = True
                sandbox.faults.expire_sessions()  # the site's session times out while the citizen talks
            return super().decide(view, poll)

    result, approver, lines = run_demarche("passeport-pre-demande", CAMILLE, ExpiresDuringFiliation())

    assert result.outcome is Outcome.COMPLETED, result.error
    assert "La session du compte a expiré : nouvelle connexion." in lines
    reviews = [v.title for v in approver.seen if v.moment is Moment.REVIEW]
    # earlier pages are neither shown nor filled again; the interrupted step is redone once
    assert reviews == ["Connexion", "Motif de la demande", "État civil", "Adresse", "Filiation", "Connexion",
                       "Filiation", "Timbre fiscal", "Récapitulatif"]
    assert only_one(sandbox)["data"] == CAMILLE_RECEIVED


def test_password_and_code_never_leak(browser_type, sandbox, tmp_path, autopilot_home):
    """Log in with a known password and one-time code, then scan everything the run wrote."""
    sandbox.add_account(IDENTIFIANT, PASSWORD)
    sandbox.otp = True
    store_account(name="sandbox:ants")
    data = tmp_path / "usager.yaml"
    data.write_text(yaml.safe_dump(CAMILLE, allow_unicode=True), encoding="utf-8")

    run = Autopilot(browser_type, sandbox, data)
    run.at_step("Connexion")
    run.click("Valider et continuer")
    run.at_step("Code de vérification")
    code = sandbox.mailbox()[-1]["body"].rsplit(" ", 1)[-1]
    run.page.locator("body").get_by_label("Code de vérification").fill(code)
    run.page.locator("body").get_by_role("button", name="Valider", exact=True).click()
    for title in REVIEWS[1:]:  # the panel resumed by itself once « Mon espace » showed
        run.at_step(title)
        run.click("Valider et continuer")
    run.click("Confirmer l'envoi")
    status, out, err = run.finish()
    assert status == 0, err

    written = [p for p in Path(autopilot_home).rglob("*") if p.is_file()]
    written += [p for p in tmp_path.rglob("*") if p.is_file()]
    assert written, "the scan must look at something"
    for secret in (PASSWORD, code):
        assert secret not in out and secret not in err
        for path in written:
            assert secret.encode() not in path.read_bytes(), f"{secret!r} found in {path}"


def test_testing_an_account_that_is_not_stored_says_so_before_any_network():
    done = autopilot("account", "test", "ants", "--headless")
    assert done.returncode == 2, done.stderr
    assert "Aucun compte « ants » n'est enregistré sur ce poste : il n'y a rien à tester." in done.stderr
    assert "autopilot account set ants" in done.stderr
    assert "Internet" not in done.stderr
