"""The `autopilot` command as a mediator or an IT person types it: real processes, exit
statuses from the documented table, French messages, no traceback without --debug."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from citizens import CAMILLE, CAMILLE_RECEIVED

from autopilot.flows.library import CATEGORIES

ROOT = Path(__file__).resolve().parents[1]


def autopilot(*args: str, env: dict | None = None, stdin: str = "", timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `python -m autopilot ARGS` as a separate process."""
    return subprocess.run(
        [sys.executable, "-m", "autopilot", *args],
        capture_output=True, text=True, timeout=timeout, cwd=ROOT, input=stdin,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def camille_file(tmp_path) -> Path:
    path = tmp_path / "camille.yaml"
    path.write_text(yaml.safe_dump(CAMILLE, allow_unicode=True), encoding="utf-8")
    return path


def test_flows_check_validates_the_whole_library():
    done = autopilot("flows", "check")
    assert done.returncode == 0, done.stderr
    demarches = len([p for p in (ROOT / "flows").rglob("*.yaml") if p.parent.name != "accounts"])
    assert done.stdout.startswith(f"{demarches} démarche(s) et 1 compte(s) valides dans ")


def test_flows_list_groups_by_category_in_the_missions_order():
    lines = autopilot("flows", "list").stdout.splitlines()
    assert [line for line in lines if not line.startswith(" ")] == list(CATEGORIES)
    assert lines[:6] == [
        "Carte d'identité",
        "  cni-pre-demande              Pré-demande de carte d'identité",
        "  cni-suivi                    Suivre une demande de carte d'identité",
        "Passeport",
        "  passeport-pre-demande        Pré-demande de passeport",
        "  passeport-suivi              Suivre une demande de passeport",
    ]


def test_flows_show_says_what_to_bring_and_the_steps():
    done = autopilot("flows", "show", "passeport-pre-demande")
    assert "À apporter par l'usager :" in done.stdout
    assert "  6. Paiement du timbre [validation paiement] (si applicable)" in done.stdout
    assert "  8. Récapitulatif [validation envoi]" in done.stdout


def test_flows_schema_is_written_for_editors(tmp_path):
    out = tmp_path / "flow.schema.json"
    done = autopilot("flows", "schema", "--out", str(out))
    assert done.returncode == 0
    assert json.loads(out.read_text(encoding="utf-8"))["title"] == "Flow"


def test_a_malformed_flow_file_names_file_line_and_step(tmp_path):
    flow = (ROOT / "flows/passeport/pre-demande.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "pre-demande.yaml"
    bad.write_text(flow.replace('{label: "Taille", value:', '{lable: "Taille", value:'), encoding="utf-8")
    done = autopilot("flows", "check", str(bad))
    assert done.returncode == 3
    line = next(n for n, text in enumerate(bad.read_text().splitlines(), 1) if "lable" in text)
    assert f"pre-demande.yaml:{line}: étape 2 « État civil » : « fill », élément 10 : action inconnue" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("command", [("run", "passeport-pre-demande", "--data", "usager.yaml", "--sandbox",
                                      "--headless", "--approve-all"), ("console", "--sandbox")])
def test_a_broken_library_stops_the_commands_that_load_it_during_the_head_start(tmp_path, command):
    """run, demo and the console load the flows in the head start's thread (cli/head_start.py): a broken
    flow is still said as the library says it, after the driver's start, and nothing opens."""
    flows = tmp_path / "flows"
    shutil.copytree(ROOT / "flows", flows)
    bad = flows / "passeport/pre-demande.yaml"
    bad.write_text(bad.read_text(encoding="utf-8").replace('{label: "Taille", value:', '{lable: "Taille", value:'),
                   encoding="utf-8")
    done = autopilot(*command, env={"AUTOPILOT_FLOWS": str(flows), "AUTOPILOT_BROWSER": "/aucun/navigateur"})
    assert done.returncode == 3, done.stderr
    line = next(n for n, text in enumerate(bad.read_text(encoding="utf-8").splitlines(), 1) if "lable" in text)
    assert f"pre-demande.yaml:{line}: étape 2 « État civil » : « fill », élément 10 : action inconnue" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_broken_demarche_does_not_stop_the_run_of_another_but_stops_the_console(tmp_path, camille_file):
    """`run` loads only its démarche (and the accounts, and the démarches its inputs come via): another
    broken file does not stop it. The console lists every démarche: it says the broken file."""
    flows = tmp_path / "flows"
    shutil.copytree(ROOT / "flows", flows)
    bad = flows / "permis/demande.yaml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("steps:", "etapes:"), encoding="utf-8")
    env = {"AUTOPILOT_FLOWS": str(flows), "AUTOPILOT_BROWSER": "/aucun/navigateur"}
    ran = autopilot("run", "passeport-pre-demande", "--data", str(camille_file), "--sandbox", "--headless",
                    "--approve-all", env=env)
    assert ran.returncode == 5 and "AUTOPILOT_BROWSER désigne un fichier introuvable" in ran.stderr, ran.stderr
    console = autopilot("console", "--sandbox", env=env)
    assert console.returncode == 3 and "demande.yaml" in console.stderr, console.stderr


def test_invalid_citizen_data_is_refused_before_the_browser_opens(tmp_path):
    data = {**CAMILLE, "usager": {**CAMILLE["usager"], "date_naissance": "31/02/1985", "taille": 1680},
            "adresse": {**CAMILLE["adresse"], "code_postal": "3500"}}
    path = tmp_path / "usager.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    done = autopilot("run", "passeport-pre-demande", "--data", str(path), "--sandbox", "--headless",
                     env={"AUTOPILOT_BROWSER": "/aucun/navigateur"})
    assert done.returncode == 4
    assert done.stderr.splitlines()[:4] == [
        "Erreur : Données de l'usager à corriger :",
        "  Identité — Date de naissance : cette date n'existe pas.",
        "  Identité — Taille : taille en centimètres attendue, entre 30 et 250.",
        "  Adresse — Code postal : 5 chiffres attendus (ex. 75001).",
    ]


def test_approve_all_is_refused_on_the_real_sites(camille_file):
    done = autopilot("run", "passeport-pre-demande", "--data", str(camille_file), "--approve-all")
    assert done.returncode == 2
    assert "--approve-all n'est permis que dans le bac à sable" in done.stderr


def test_an_unreachable_real_site_is_said_plainly(camille_file):
    # a visible window (Xvfb here): headless, nobody could approve, so that is refused (ADR 0008)
    done = autopilot("run", "passeport-pre-demande", "--data", str(camille_file), "--mediateur", "Camille Martin")
    assert done.returncode == 6, done.stderr
    assert done.stderr.startswith("Erreur : Le site ants.gouv.fr est injoignable depuis ce poste")
    assert "--sandbox" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_missing_browser_says_how_to_install_one(camille_file, tmp_path):
    done = autopilot("demo", "--headless", "--approve-all", env={"PATH": str(tmp_path)})
    assert done.returncode == 5
    assert "Erreur : Impossible de lancer un navigateur" in done.stderr or "Aucun navigateur" in done.stderr
    assert "apt-get install chromium" in done.stderr


def test_no_display_for_a_visible_browser_is_explained(camille_file):
    done = autopilot("demo", env={"DISPLAY": "", "WAYLAND_DISPLAY": ""})
    assert done.returncode == 5
    assert "Aucun écran n'est disponible" in done.stderr and "--headless" in done.stderr


def test_debug_shows_the_traceback(camille_file):
    done = autopilot("--debug", "run", "passeport-pre-demande", "--data", str(camille_file), "--approve-all")
    assert done.returncode == 2
    assert "Traceback" in done.stderr


def test_the_demo_completes_and_prints_the_numero():
    done = autopilot("demo", "--headless", "--approve-all")
    assert done.returncode == 0, done.stderr
    last = done.stdout.splitlines()[-1]
    assert last.startswith("Numéro de pré-demande : ") and len(last.split(" : ")[1]) == 10


def test_run_on_a_running_sandbox_sends_the_citizen_data(sandbox, camille_file):
    done = autopilot("run", "passeport-pre-demande", "--data", str(camille_file), "--headless", "--approve-all",
                     "--sandbox-url", sandbox.address)
    assert done.returncode == 0, done.stderr
    [record] = sandbox.received("passeport-pre-demande")
    assert record["data"] == CAMILLE_RECEIVED
    assert done.stdout.splitlines()[-1] == f"Numéro de pré-demande : {record['numero_predemande']}"
