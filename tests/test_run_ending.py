"""The last second of a run: whatever ends it — a journal that cannot be written after the
submission, a login page that does not answer, a SIGTERM — what the site gave is shown first and
the run leaves exactly one journal entry (issue 21, items 5 and 9)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml
from citizens import CAMILLE
from test_cli import ROOT

from autopilot.cli import ending
from autopilot.errors import Terminated
from autopilot.journal import Journal


@pytest.fixture
def camille_file(tmp_path) -> Path:
    path = tmp_path / "camille.yaml"
    path.write_text(yaml.safe_dump(CAMILLE, allow_unicode=True), encoding="utf-8")
    return path


def start_run(home: Path, data: Path, sandbox_url: str | None) -> subprocess.Popen:
    """`autopilot run passeport-pre-demande … --headless --approve-all` as its own process; on the real sites
    (`sandbox_url` None) in a visible window (Xvfb here), nobody approving."""
    where = ["--sandbox-url", sandbox_url, "--headless", "--approve-all"] if sandbox_url else ["--mediateur", "Camille Martin"]
    return subprocess.Popen(
        [sys.executable, "-m", "autopilot", "run", "passeport-pre-demande", "--data", str(data), *where],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        env={**os.environ, "AUTOPILOT_HOME": str(home)},
    )


def journal_of(home: Path) -> Journal:
    return Journal(home / "data" / "journal.sqlite3")


def test_a_journal_failure_after_the_submission_still_shows_and_keeps_the_numero(sandbox, tmp_path, camille_file):
    home = tmp_path / "home"
    run = start_run(home, camille_file, sandbox.address)
    deadline = time.monotonic() + 90
    while not sandbox.received():  # the administration has the pré-demande…
        assert run.poll() is None and time.monotonic() < deadline, run.communicate()
        time.sleep(0.002)
    (home / "data").rename(home / "data-disparu")  # …and the journal's folder goes away (disk removed)
    (home / "data").write_text("")
    out, err = run.communicate(timeout=120)

    [record] = sandbox.received()
    numero = record["numero_predemande"]
    assert f"Numéro de pré-demande : {numero}" in out, out + err
    assert run.returncode == 9
    assert err.startswith("Erreur : La démarche a été envoyée (Numéro de pré-demande : "
                          f"{numero}), mais le journal n'a pas pu l'enregistrer"), err
    assert "Aucune démarche ne commence" not in err
    assert "Notez ce numéro" in err


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_login_page_leaves_one_entry(tmp_path, camille_file):
    home = tmp_path / "home"
    run = start_run(home, camille_file, None)  # the real ants.gouv.fr: unreachable from this machine
    out, err = run.communicate(timeout=120)

    assert run.returncode == 6, out + err
    assert err.startswith("Erreur : Le site ants.gouv.fr est injoignable depuis ce poste")
    [entry] = journal_of(home).entries()
    assert (entry.flow_id, entry.outcome, entry.step, entry.details) == (
        "passeport-pre-demande", "échec", "Connexion", {"erreur": "site-injoignable"})
    assert journal_of(home).verify().ok


def test_sigterm_mid_run_leaves_one_entry_and_exits_as_interrupted(sandbox, tmp_path, camille_file):
    sandbox.faults.latency_ms = 400  # slow pages: the run is surely mid-way when the signal comes
    home = tmp_path / "home"
    run = start_run(home, camille_file, sandbox.address)
    lines = []
    while not any(line.startswith("Étape 2/") for line in lines):
        line = run.stdout.readline()
        assert line, run.communicate()
        lines.append(line)
    run.send_signal(signal.SIGTERM)
    out, err = run.communicate(timeout=60)

    assert run.returncode == 10, out + err
    assert "Traceback" not in err and "Erreur interne" not in err
    assert "Interrompu" in err
    [entry] = journal_of(home).entries()
    assert (entry.flow_id, entry.outcome) == ("passeport-pre-demande", "interrompue")
    assert entry.step and entry.details == {"erreur": "arret-du-programme"}
    assert sandbox.received() == []
    assert journal_of(home).verify().ok


def test_training_on_a_machine_without_keyring_is_journalled_apart_unsigned(sandbox, tmp_path, camille_file):
    """The demo runs anywhere: with no keyring there is no key to sign with, so the sandbox's runs go
    to a training journal of their own (the mairie's signed journal is never mixed with unsigned entries)."""
    home = tmp_path / "home"
    done = subprocess.run(
        [sys.executable, "-m", "autopilot", "run", "passeport-pre-demande", "--data", str(camille_file),
         "--sandbox-url", sandbox.address, "--headless", "--approve-all"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
        env={**os.environ, "AUTOPILOT_HOME": str(home), "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})

    assert done.returncode == 0, done.stderr
    assert "Pas de trousseau sur ce poste : l'entraînement est inscrit, sans signature" in done.stdout
    assert not (home / "data" / "journal.sqlite3").exists()
    training = Journal(home / "data" / "journal-formation.sqlite3", signed=False)
    [entry] = training.entries()
    assert (entry.flow_id, entry.outcome, entry.sandbox) == ("passeport-pre-demande", "terminée", True)


class _TestTimedOut(BaseException):
    """The test's own alarm: the sync call it guards never came back."""


def test_a_sigterm_at_any_moment_of_playwright_s_work_stops_the_run(page, sandbox):
    """The signal comes whenever the system sends it. With a second thread in the process (the run
    has some), the kernel may hand it to that thread: Python then runs the handler in the main thread
    only when the loop wakes up, inside Playwright's own callbacks (a message from the driver being
    dispatched) rather than while it waits. Raised there, asyncio or the transport's reader swallows it
    or dies with it: the run neither stops nor ever gets another answer (a `run` that did not exit
    within 60 s of SIGTERM). Sent at thirty moments of a busy page, it must surface every time in the
    engine's call, with the connection to the browser intact."""
    page.goto(sandbox.address)
    busy = "for (let i = 0; i < 40; i++) console.log('message ' + i); document.title"

    def timed_out(signum, frame):
        raise _TestTimedOut

    previous_alarm = signal.signal(signal.SIGALRM, timed_out)
    try:
        for trial in range(30):
            sender = threading.Timer(0.001 * (trial % 10), os.kill, (os.getpid(), signal.SIGTERM))
            signal.alarm(15)
            with pytest.raises(Terminated), ending.stop_on_sigterm():
                sender.start()
                for _ in range(200):
                    page.evaluate(busy)
            sender.join()
            signal.alarm(0)
            assert page.evaluate("1 + 1") == 2, f"trial {trial}"  # the connection to the browser still works
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous_alarm)
