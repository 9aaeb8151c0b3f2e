"""The mairie's settings file: read once per command, through the command line's `Environment`, with
the flows' YAML safety; a wrong file is named by file, line and key, in French, never a traceback."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from test_cli import autopilot
from test_security import BOMB

from autopilot.cli import main
from autopilot.cli.environment import Environment
from autopilot.config import Config, config_path


@pytest.fixture
def settings():
    """The settings file of the tests' AUTOPILOT_HOME, put back as it was afterwards."""
    path = config_path()
    before = path.read_bytes() if path.exists() else None
    path.parent.mkdir(parents=True, exist_ok=True)
    yield path
    if before is None:
        path.unlink(missing_ok=True)
    else:
        path.write_bytes(before)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), Environment(out, err))
    return status, out.getvalue(), err.getvalue()


def test_an_alias_bomb_in_the_settings_is_refused_at_once(settings):
    settings.write_text(BOMB.replace("steps: [*h]", "mediateurs: [*h]"), encoding="utf-8")
    started = time.monotonic()
    status, out, err = run("mediateur", "list")
    # Expanded, the bomb is 43 million strings: minutes and gigabytes. Refused, well under a second
    # on a quiet machine; the bound leaves room for a loaded one (timings are the bench's business).
    assert time.monotonic() - started < 5
    assert status == 2 and out == ""
    assert err.startswith(f"Erreur : {settings}:")
    assert "fichier de réglages illisible : le fichier se déplie en plus de 20000 éléments" in err
    assert "sans ancres « & » ni alias « * »" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("text, line, said", [
    ("mairie: Saint-Exemple\nmediateurs: Camille Martin\n", 2, "« mediateurs » : une liste de noms est attendue."),
    ("mairie: Saint-Exemple\n\njournal: {conservation_mois: douze}\n", 3,
     "« journal » : « conservation_mois » est un nombre de mois."),
    ("comptes:\n  ants: espace-numerique@saint-exemple.fr\n", 1, "« comptes » : chaque compte est un tableau de clés."),
    ("numerisations_lues: jeter\n", 1, "« numerisations_lues » : « effacer » ou « garder » est attendu."),
    ("domaines_autorises: rendez-vous.saint-exemple.fr\n", 1,
     "« domaines_autorises » : une liste de noms de domaine est attendue."),
])
def test_a_wrong_setting_is_named_by_file_line_and_key(settings, text, line, said):
    settings.write_text(text, encoding="utf-8")
    status, _, err = run("journal", "purge")
    assert status == 2
    assert err.splitlines()[0] == f"Erreur : {settings}:{line}: {said}"
    assert err.splitlines()[1].startswith("  → Par exemple : ")


def test_malformed_yaml_names_its_line(settings):
    settings.write_text("mairie: Saint-Exemple\nmediateurs: [Camille\n", encoding="utf-8")
    status, _, err = run("mediateur", "list")
    assert status == 2
    assert err.startswith(f"Erreur : {settings}:2: fichier de réglages illisible : YAML invalide : liste ouverte")
    assert "Traceback" not in err


def test_an_empty_or_commented_settings_file_is_no_settings(settings):
    settings.write_text("# réglages à venir\n", encoding="utf-8")
    assert Config.load() == Config()


def test_the_settings_are_read_once_per_command(settings, monkeypatch):
    settings.write_text("mediateurs: [Camille Martin]\njournal: {conservation_mois: 12}\n", encoding="utf-8")
    reads = []
    real = Config.load.__func__
    monkeypatch.setattr(Config, "load", classmethod(lambda cls, path=None: reads.append(path) or real(cls, path)))
    env = Environment(io.StringIO(), io.StringIO())
    assert main(["mediateur", "list"], env) == 0
    assert env.config.mediateurs == ["Camille Martin"] and env.config.conservation_mois == 12
    assert len(reads) == 1


def test_an_alias_bomb_in_the_citizens_data_is_refused_at_once(tmp_path):
    """As a process: `run` starts Playwright's driver while it imports (cli/head_start.py), and a data
    file refused then must still end the process with its own error, the driver stopped with it."""
    data = tmp_path / "usager.yaml"
    data.write_text(BOMB.replace("steps: [*h]", "usager: [*h]"), encoding="utf-8")
    started = time.monotonic()
    done = autopilot("run", "passeport-pre-demande", "--data", str(data), "--sandbox", "--headless", "--approve-all")
    # Expanded, the bomb is minutes and gigabytes; refused, a process's start-up (seconds when loaded)
    assert time.monotonic() - started < 30
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"Erreur : {data}:")
    assert "le fichier se déplie en plus de 20000 éléments" in done.stderr
    assert "Écrivez les données de l'usager en clair" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_repeated_key_in_the_citizens_data_is_named(tmp_path):
    data = tmp_path / "usager.yaml"
    data.write_text("usager:\n  nom_naissance: Lefèvre\nusager:\n  nom_naissance: Durand\n", encoding="utf-8")
    done = autopilot("run", "passeport-pre-demande", "--data", str(data), "--sandbox", "--headless", "--approve-all")
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"Erreur : {data}:3: clé « usager » répétée")


def test_no_module_steers_another_through_the_process_environment():
    """The demo's scanner folder is passed down, not written into os.environ for the others to find."""
    import autopilot

    root = Path(autopilot.__file__).parent
    writes = [f"{path.relative_to(root)}:{number}" for path in sorted(root.rglob("*.py"))
              for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
              if ("os.environ[" in line and "] =" in line) or "os.putenv" in line or "os.environ.update" in line]
    assert writes == []


def test_the_settings_file_is_read_in_one_place():
    """Only the command line's `Environment` reads the settings; everything else is given them."""
    import autopilot

    root = Path(autopilot.__file__).parent
    readers = sorted(str(path.relative_to(root)) for path in root.rglob("*.py")
                     if "Config.load(" in path.read_text(encoding="utf-8"))
    assert readers == ["cli/environment.py"]
