"""Trust boundaries (docs/adr/0013-trust-boundaries.md), each test playing the attacker or the fault:
a flow file sending the password elsewhere, a YAML alias bomb, the debugging port on the real
sites, a headless run nobody can approve."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from test_cli import ROOT, autopilot

from autopilot.cli import main
from autopilot.cli.environment import Environment
from autopilot.errors import FlowError
from autopilot.flows import Library, parse_flow
from autopilot.flows.domains import Trust

ACCOUNT = (ROOT / "flows" / "accounts" / "ants.yaml").read_text(encoding="utf-8")
ANTS = Trust(accounts={"ants": ("ants.gouv.fr",)})

DEMARCHE = """\
id: essai
title: Essai
category: Passeport
version: 1
domains: [passeport.ants.gouv.fr, ants.gouv.fr]
account: ants
inputs:
  justificatif: {type: scan}
steps:
  - title: Pièces
    goto: https://passeport.ants.gouv.fr/pieces
    expect: {heading: "Pièces"}
    fill:
      - {upload: "Justificatif", file: "{{ justificatif }}"}
    next: {button: "Suivant"}
"""


def flow_error(text: str, trust: Trust = ANTS, name: str = "essai.yaml") -> str:
    with pytest.raises(FlowError) as caught:
        parse_flow(text, name, trust)
    return caught.value.message


# --- a secret is typed only on its account's own domains -------------------------------------


def test_the_library_and_a_clean_demarche_pass():
    parse_flow(DEMARCHE, "essai.yaml", ANTS)
    parse_flow(ACCOUNT, "ants.yaml")


def test_a_flow_typing_the_password_on_a_foreign_domain_is_refused():
    evil = DEMARCHE.replace("domains: [passeport.ants.gouv.fr, ants.gouv.fr]", "domains: [evil.example]")
    evil = evil.replace("https://passeport.ants.gouv.fr/pieces", "https://evil.example/connexion")
    assert flow_error(evil).startswith(
        "essai.yaml:5: le domaine « evil.example » n'est pas un site de l'État (gouv.fr, service-public.fr)")


def test_a_demarche_typing_the_password_outside_the_accounts_domains_is_refused():
    # passeport.ants.gouv.fr is a State site, but not one the ANTS account's login flow declares
    typing = DEMARCHE.replace('{upload: "Justificatif", file: "{{ justificatif }}"}',
                              '{label: "Mot de passe", secret: ants.mot_de_passe}')
    assert flow_error(typing) == (
        "essai.yaml:14: étape 1 « Pièces » : champ « Mot de passe » : secret « ants.mot_de_passe » : il n'est saisi"
        " que sur les domaines du compte « ants » (ants.gouv.fr) ; « passeport.ants.gouv.fr » n'en fait pas partie")


def test_a_secret_of_an_account_without_its_flow_is_refused():
    typing = DEMARCHE.replace('{upload: "Justificatif", file: "{{ justificatif }}"}',
                              '{label: "Mot de passe", secret: ants.mot_de_passe}')
    assert "aucun flow de compte « ants » ne dit sur quels domaines le saisir" in flow_error(typing, Trust())


def test_the_account_flow_itself_may_not_move_its_password():
    assert flow_error(ACCOUNT.replace("domains: [ants.gouv.fr]", "domains: [ants.gouv.fr.evil.example]"),
                      name="ants.yaml").startswith(
        "ants.yaml:8: le domaine « ants.gouv.fr.evil.example » n'est pas un site de l'État")
    assert flow_error(ACCOUNT.replace("domains: [ants.gouv.fr]", "domains: [\"*.gouv.fr\"]"), name="ants.yaml") == (
        "ants.yaml:8: « *.gouv.fr » : un flow de compte nomme ses domaines un par un, sans « * »")


@pytest.mark.parametrize("wildcard", ["*.com", "*.fr", "*.example"])
def test_wildcards_beyond_the_states_domains_are_refused(wildcard):
    wide = DEMARCHE.replace("domains: [passeport.ants.gouv.fr, ants.gouv.fr]", f'domains: ["{wildcard}"]')
    assert flow_error(wide).startswith(f"essai.yaml:5: le domaine « {wildcard} » n'est pas un site de l'État")


def test_a_wildcard_over_a_state_domain_is_allowed_for_a_demarche():
    parse_flow(DEMARCHE.replace("domains: [passeport.ants.gouv.fr, ants.gouv.fr]", 'domains: ["*.ants.gouv.fr"]'),
               "essai.yaml", ANTS)


def test_the_mairie_may_allow_another_site_explicitly():
    other = DEMARCHE.replace("domains: [passeport.ants.gouv.fr, ants.gouv.fr]", "domains: [rdv.saint-exemple.fr]")
    other = other.replace("https://passeport.ants.gouv.fr/pieces", "https://rdv.saint-exemple.fr/pieces")
    assert flow_error(other).startswith("essai.yaml:5: le domaine « rdv.saint-exemple.fr » n'est pas un site de l'État")
    parse_flow(other, "essai.yaml", Trust(allowed=("saint-exemple.fr",), accounts=ANTS.accounts))


@pytest.mark.parametrize("file", ["/etc/passwd", "C:/Users/Public/secret.pdf", "{{ justificatif }}.pdf",
                                  "/tmp/{{ justificatif }}", "{{ justificatif | majuscules }}"])
def test_a_literal_file_path_in_an_upload_is_refused(file):
    literal = DEMARCHE.replace('file: "{{ justificatif }}"', f'file: "{file}"')
    assert flow_error(literal) == (
        f"essai.yaml:14: étape 1 « Pièces » : champ « Justificatif » : « file » : « {file} » : le document vient du"
        " dossier des numérisations, par une donnée de type scan, jamais d'un chemin écrit dans le flow")


def test_an_upload_from_a_non_scan_input_is_refused():
    text = DEMARCHE.replace("justificatif: {type: scan}", "justificatif: {type: choice, options: [/etc/passwd]}")
    assert "jamais d'un chemin écrit dans le flow" in flow_error(text)


def test_flows_check_refuses_a_foreign_domain_with_the_settings_hint(tmp_path):
    path = tmp_path / "vol.yaml"
    path.write_text(DEMARCHE.replace("domains: [passeport.ants.gouv.fr, ants.gouv.fr]", "domains: [evil.example]")
                    .replace("https://passeport.ants.gouv.fr/pieces", "https://evil.example/pieces"), encoding="utf-8")
    done = autopilot("flows", "check", str(path))
    assert done.returncode == 3
    assert done.stderr.splitlines() == [
        f"Erreur : {path}:5: le domaine « evil.example » n'est pas un site de l'État (gouv.fr, service-public.fr)",
        "  → Seule la mairie peut ajouter un autre site, dans son fichier de réglages :"
        " « domaines_autorises: [evil.example] ».",
    ]


# --- a YAML alias bomb ---------------------------------------------------------------------------

BOMB = """\
id: bombe
title: Bombe
category: Passeport
version: 1
domains: [passeport.ants.gouv.fr]
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
steps: [*h]
"""


def test_flows_check_answers_an_alias_bomb_at_once_and_checks_the_others(tmp_path):
    bomb = tmp_path / "bombe.yaml"
    bomb.write_text(BOMB, encoding="utf-8")
    good = tmp_path / "essai.yaml"
    good.write_text(ACCOUNT, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    started = time.monotonic()
    status = main(["flows", "check", str(bomb), str(good)], Environment(out, err))
    seconds = time.monotonic() - started
    assert status == 3
    assert out.getvalue().strip() == f"{good} : valide (compte-ants, 2 étapes)."
    assert err.getvalue().startswith(f"Erreur : {bomb}:")
    assert "le fichier se déplie en plus de 20000 éléments" in err.getvalue()
    assert "Traceback" not in err.getvalue()
    assert seconds < 5, seconds  # expanded: minutes and gigabytes; refused: well under a second unloaded


def test_a_self_referencing_alias_is_refused_too():
    with pytest.raises(FlowError) as caught:
        parse_flow(BOMB.replace("steps: [*h]", "steps: &s [*s]"), "bombe.yaml")
    assert caught.value.message.startswith("bombe.yaml:")


def test_the_library_still_loads_with_its_own_flows(tmp_path):
    assert len(Library.load().demarches) > 10


# --- the runner refuses at fill time too (defence in depth) ---------------------------------------

ESCAPED = """\
id: echappe
title: Un flow qui a échappé à la vérification
category: Exercices
version: 1
domains: [exercices.ants.gouv.fr]
account: ants
steps:
  - title: Vos informations
    goto: https://exercices.ants.gouv.fr/inscription-atelier
    expect: {heading: "Vos informations"}
    fill:
      - {label: "Nom de famille", secret: ants.mot_de_passe}
    next: {button: "Suivant"}
"""


def test_the_runner_types_no_secret_outside_its_accounts_hosts(page, sandbox, library):
    from conftest import FAST

    from autopilot.cli.run_command import sandbox_credentials
    from autopilot.engine.approver import ScriptedApprover
    from autopilot.engine.origins import Origins
    from autopilot.engine.runner import Outcome
    from autopilot.engine.session import Session
    from autopilot.flows.model import Flow

    flow = Flow.model_validate(yaml.safe_load(ESCAPED))  # as if flows check had been skipped
    secrets, accounts = sandbox_credentials()
    session = Session(page, library, ScriptedApprover(), origins=Origins(sandbox.port), secrets=secrets,
                      accounts=accounts, timeouts=FAST)
    result = session.run(flow, {})

    assert result.outcome is not Outcome.COMPLETED
    assert result.error.message == (
        "Le mot de passe du compte « ants » n'est saisi que sur ses sites (ants.gouv.fr) ; la page affichée est sur"
        " exercices.ants.gouv.fr : rien n'a été saisi.")
    assert page.locator("body").get_by_label("Nom de famille").input_value() == ""
    assert sandbox.received("exercice-inscription-atelier") == []


# --- real credentials never go to a sandbox --------------------------------------------------------

REAL_IDENTIFIANT = "espace-numerique@saint-exemple.fr"
REAL_PASSWORD = "Vrai-Mot-De-Passe-Mairie-4417"


@pytest.fixture
def real_account(autopilot_home):
    """The mairie's real ANTS account stored on this machine, as `autopilot account set ants` does."""
    done = autopilot("account", "set", "ants", "--identifiant", REAL_IDENTIFIANT, "--password-stdin",
                     stdin=REAL_PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    yield
    autopilot("account", "delete", "ants")


@pytest.fixture
def citizen_file(tmp_path):
    from citizens import CAMILLE

    path = tmp_path / "usager.yaml"
    path.write_text(yaml.safe_dump(CAMILLE, allow_unicode=True), encoding="utf-8")
    return path


LOGIN_LOOKALIKE = """<!doctype html><html lang="fr"><meta charset="utf-8"><title>Connexion</title>
<h1>Connexion à mon compte</h1>
<form method="post"><label for="i">Identifiant</label><input id="i" name="identifiant">
<label for="p">Mot de passe</label><input id="p" name="mot_de_passe" type="password">
<button>Se connecter</button></form>"""


class Rogue:
    """A plain local HTTP server squatting a port, recording every request it receives."""

    def __init__(self) -> None:
        import http.server
        import threading

        received = self.received = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def _record(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                received.append((self.command, self.path, self.rfile.read(length).decode("utf-8", "replace")))
                body = b'{"preuve": "0000"}' if "preuve" in self.path else LOGIN_LOOKALIKE.encode()
                self.send_response(200)
                self.send_header("content-type", "application/json" if "preuve" in self.path else "text/html; charset=utf-8")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _record

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def rogue():
    server = Rogue()
    yield server
    server.close()


def test_a_sandbox_run_never_uses_the_real_account(real_account, sandbox, citizen_file):
    from autopilot.sandbox import DEMO_ACCOUNT

    done = autopilot("run", "passeport-pre-demande", "--data", str(citizen_file), "--sandbox-url", sandbox.address,
                     "--headless", "--approve-all")
    assert done.returncode == 0, done.stderr
    [record] = sandbox.received("passeport-pre-demande")
    assert record["account"] == DEMO_ACCOUNT["identifiant"]
    assert REAL_IDENTIFIANT not in done.stdout + done.stderr


def test_the_embedded_sandbox_trains_on_a_desk_with_the_real_account(real_account, citizen_file):
    done = autopilot("run", "passeport-pre-demande", "--data", str(citizen_file), "--sandbox", "--headless",
                     "--approve-all")
    assert done.returncode == 0, done.stderr
    assert "Bac à sable : connexion avec le compte de démonstration du bac à sable." in done.stdout


def test_a_sandbox_account_is_stored_under_its_own_name(sandbox, citizen_file, autopilot_home):
    import keyring

    sandbox.add_account("formation@saint-exemple.fr", "Mot-De-Passe-Du-Bac-A-Sable")
    done = autopilot("account", "set", "sandbox:ants", "--identifiant", "formation@saint-exemple.fr",
                     "--password-stdin", stdin="Mot-De-Passe-Du-Bac-A-Sable\n")
    assert done.returncode == 0, done.stderr
    try:
        assert keyring.get_password("autopilot:sandbox:ants", "mot_de_passe") == "Mot-De-Passe-Du-Bac-A-Sable"
        assert keyring.get_password("autopilot:ants", "mot_de_passe") is None
        done = autopilot("run", "passeport-pre-demande", "--data", str(citizen_file), "--sandbox-url",
                         sandbox.address, "--headless", "--approve-all")
        assert done.returncode == 0, done.stderr
        assert "Bac à sable : connexion avec le compte de bac à sable « sandbox:ants » de ce poste." in done.stdout
        [record] = sandbox.received("passeport-pre-demande")
        assert record["account"] == "formation@saint-exemple.fr"
    finally:
        autopilot("account", "delete", "sandbox:ants")


@pytest.mark.parametrize("fragment", ["", "#jeton=devine"])
def test_a_rogue_server_on_the_sandbox_port_receives_no_credential(real_account, rogue, citizen_file, fragment):
    from autopilot.sandbox import DEMO_ACCOUNT

    url = f"http://localhost:{rogue.port}/{fragment}"
    done = autopilot("run", "passeport-pre-demande", "--data", str(citizen_file), "--sandbox-url", url,
                     "--headless", "--approve-all")
    assert done.returncode == 2, done.stderr
    if fragment:
        assert done.stderr.splitlines() == [
            f"Erreur : Le serveur de {url.split('#')[0]} n'a pas prouvé qu'il est le bac à sable lancé avec ce jeton :"
            " rien ne lui a été envoyé.",
            "  → Copiez l'adresse complète affichée par `autopilot sandbox` (…#jeton=…) ; si elle est juste, un autre"
            " programme occupe ce port.",
        ]
        [(method, path, body)] = rogue.received  # the challenge, and nothing else
        assert method == "GET" and path.startswith("/_sandbox/preuve?defi=") and body == ""
    else:
        assert done.stderr.splitlines() == [
            f"Erreur : --sandbox-url {url} : le jeton du bac à sable manque.",
            "  → Copiez l'adresse complète affichée par `autopilot sandbox` (…#jeton=…).",
        ]
        assert rogue.received == []
    for secret in (REAL_PASSWORD, REAL_IDENTIFIANT, DEMO_ACCOUNT["mot_de_passe"], DEMO_ACCOUNT["identifiant"]):
        assert all(secret not in path + body for _, path, body in rogue.received)


def test_the_sandbox_proves_its_token_without_telling_it(sandbox):
    import json
    import urllib.request

    def proof(challenge: str) -> str:
        with urllib.request.urlopen(f"{sandbox.home_url}_sandbox/preuve?defi={challenge}", timeout=5) as reply:
            return json.load(reply)["preuve"]

    first, second = proof("a" * 32), proof("b" * 32)
    assert first != second and sandbox.token not in first + second
    with pytest.raises(urllib.error.HTTPError):
        proof("court")


def test_autopilot_sandbox_shows_its_token(tmp_path):
    import subprocess
    import sys

    from attached import free_port

    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "autopilot", "sandbox", "--port", str(port)], cwd=ROOT,
                               stdout=subprocess.PIPE, text=True)
    try:
        lines = [process.stdout.readline() for _ in range(2)]
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert lines[0] == f"Bac à sable de formation : http://localhost:{port}/\n"
    assert lines[1].startswith(f"Pour autopilot … --sandbox-url http://localhost:{port}/#jeton=")


# --- the debugging port, a headless run nobody can approve -------------------------------------


@contextmanager
def settings_file(home: Path) -> Iterator[Path]:
    """The mairie's settings file under `home` for one test, put back as it was afterwards."""
    path = home / "config" / "config.yaml"
    before = path.read_bytes() if path.exists() else None
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        yield path
    finally:
        if before is None:
            path.unlink(missing_ok=True)
        else:
            path.write_bytes(before)


@pytest.fixture
def settings(autopilot_home):
    """The mairie's settings file for one test."""
    with settings_file(autopilot_home) as path:
        yield path


def test_the_settings_of_a_test_leave_the_file_they_found(tmp_path):
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "config.yaml").write_text("mairie: Saint-Exemple\n", encoding="utf-8")
    with settings_file(tmp_path) as path:
        path.write_text("port_de_debogage: autorise\n", encoding="utf-8")
    assert path.read_text(encoding="utf-8") == "mairie: Saint-Exemple\n"
    path.unlink()
    with settings_file(tmp_path) as path:
        path.write_text("port_de_debogage: autorise\n", encoding="utf-8")
    assert not path.exists()


def test_the_debugging_port_is_refused_on_the_real_sites_without_the_setting(citizen_file, settings):
    done = autopilot("run", "passeport-pre-demande", "--data", str(citizen_file), "--mediateur", "Camille Martin",
                     "--remote-debugging-port", "9333")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "Erreur : --remote-debugging-port sur les vrais sites : tout programme de ce poste pourrait lire et piloter"
        " le navigateur (mot de passe du compte, données de l'usager).",
        "  → Seulement si la mairie l'accepte, pour une aide technique : ajoutez « port_de_debogage: autorise »"
        f" au fichier de réglages ({settings}).",
    ]


def test_the_debugging_port_allowed_by_the_mairie_is_announced(citizen_file, settings):
    settings.write_text("port_de_debogage: autorise\n", encoding="utf-8")
    done = autopilot("run", "passeport-pre-demande", "--data", str(citizen_file), "--mediateur", "Camille Martin",
                     "--headless", "--remote-debugging-port", "9333")
    assert done.returncode == 6, done.stderr  # then the real site, unreachable from the test machine
    assert ("ATTENTION : port de débogage 9333 ouvert sur les vrais sites : tout programme de ce poste peut lire et"
            " piloter ce navigateur, mot de passe et données de l'usager compris.") in done.stdout


def test_the_debugging_port_stays_free_on_the_sandbox(sandbox, citizen_file):
    from attached import free_port

    done = autopilot("run", "passeport-pre-demande", "--data", str(citizen_file), "--sandbox-url", sandbox.address,
                     "--headless", "--approve-all", "--remote-debugging-port", str(free_port()))
    assert done.returncode == 0, done.stderr
    assert "ATTENTION" not in done.stdout


@pytest.mark.parametrize("command", [["demo", "--headless"],
                                     ["run", "passeport-pre-demande", "--sandbox", "--headless"]])
def test_a_headless_run_nobody_can_approve_is_refused_at_once(command, citizen_file):
    if command[0] == "run":
        command = [*command, "--data", str(citizen_file)]
    started = time.monotonic()
    done = autopilot(*command, env={"AUTOPILOT_BROWSER": "/aucun/navigateur"})
    assert time.monotonic() - started < 20
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "Erreur : --headless sans --approve-all : sans fenêtre, personne ne peut valider les étapes.",
        "  → Ajoutez --approve-all (bac à sable seulement), ou retirez --headless pour voir le navigateur.",
    ]


# --- page scripts cannot approve the panel ---------------------------------------------------------

from test_panel import Hands, button, panel, site, step  # noqa: E402,F401 — `site`: the pages' fixture

GATED = {"title": "Validation", "gate": "submit", "fields": ()}


@pytest.fixture
def hostile(context, page, site):  # noqa: F811 — `site` is the fixture imported above
    from autopilot.engine.panel import PanelApprover

    page.set_default_timeout(5_000)
    approver = PanelApprover(context, arm_ms=0)
    page.goto(f"{site}/hostile.html")
    approver.attach(page)
    return approver


def test_a_hostile_page_script_cannot_approve_any_view(page, hostile):
    from autopilot.engine.approver import Decision, Moment

    views = [step(**GATED), step("Code", moment=Moment.MANUAL, allowed=frozenset({Decision.RESUME, Decision.STOP}))]
    for view in views:
        hands = Hands(
            lambda: page.locator("main h1").click(),  # a trusted click on the page, for the script to replay
            lambda: button(page, "Annuler").click() if button(page, "Annuler").count() else None,
            lambda: page.wait_for_timeout(1500),  # the script attacks every 50 ms meanwhile
            lambda: button(page, "Arrêter la démarche").click(),
            lambda: button(page, "Oui, arrêter la démarche").click(),
        )
        assert hostile.decide(view, hands) is Decision.STOP, view.title
    attempts = page.evaluate("window.__attempts")
    assert attempts["binding"] > 10 and attempts["forged"] >= 0


def test_on_the_hostile_page_a_real_click_still_approves(page, hostile):
    from autopilot.engine.approver import Decision

    hands = Hands(lambda: button(page, "Valider et continuer").click(), lambda: button(page, "Confirmer l'envoi").click())
    assert hostile.decide(step(**GATED), hands) is Decision.APPROVE


def test_the_scanner_folder_does_not_list_links_pointing_out_of_it(tmp_path, monkeypatch):
    from autopilot import scans

    folder, outside = tmp_path / "numerisations", tmp_path / "ailleurs"
    folder.mkdir()
    outside.mkdir()
    (folder / "rib.pdf").write_bytes(b"%PDF-1.4")
    (outside / "secret.pdf").write_bytes(b"%PDF-1.4")
    (folder / "lien.pdf").symlink_to(outside / "secret.pdf")
    monkeypatch.setenv(scans.ENV, str(folder))
    assert scans.available() == ["rib.pdf"]
