"""Shared fixtures: one real Chromium per session (pytest-playwright), a fresh context
per test, and the real sandbox server started once on a free port."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from autopilot.cli.run_command import sandbox_credentials
from autopilot.engine.approver import ScriptedApprover
from autopilot.engine.browser import BrowserSettings, launch_arguments, launch_environment
from autopilot.engine.origins import Origins
from autopilot.engine.runner import Timeouts
from autopilot.engine.session import Session
from autopilot.flows import Library
from autopilot.flows.inputs import validate_inputs
from autopilot.sandbox import Sandbox

_WORKER_SESSION = pytest.StashKey[tuple[int, object, Path]]()


def pytest_configure(config):
    """Under pytest-xdist, each worker gets a keyring and a display of its own (tests/worker_session.py)."""
    if hasattr(config.option, "loadscopereorder"):  # xdist's own order (most tests first) would undo
        config.option.loadscopereorder = False  # the longest files first (pytest_collection_modifyitems)
    if os.environ.get("PYTEST_XDIST_WORKER"):
        import worker_session

        folder = Path(tempfile.mkdtemp(prefix="autopilot-keyring-"))
        config.stash[_WORKER_SESSION] = (worker_session.start_keyring(folder), worker_session.start_display(), folder)


def pytest_unconfigure(config):
    if _WORKER_SESSION in config.stash:
        import worker_session

        bus_pid, display, folder = config.stash[_WORKER_SESSION]
        worker_session.stop(bus_pid, display)
        shutil.rmtree(folder, ignore_errors=True)


FAST = Timeouts(page=5, response=10)
"""The sandbox answers at once: a missing page shows in seconds, not the production 15 s."""


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """The same flags as autopilot's own launch; the machine's Chromium when there is one."""
    args = dict(browser_type_launch_args)
    args["args"] = launch_arguments(BrowserSettings())
    if launch_environment() is not None:
        args["env"] = launch_environment()
    system_chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if system_chromium and "executable_path" not in args and "channel" not in args:
        args["executable_path"] = system_chromium
    return args


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR", "viewport": {"width": 1400, "height": 900}}


@pytest.fixture(scope="session", autouse=True)
def autopilot_home(tmp_path_factory):
    """Settings, data and cache of every run in the tests go to a throw-away folder."""
    home = tmp_path_factory.mktemp("autopilot-home")
    previous = os.environ.get("AUTOPILOT_HOME")
    os.environ["AUTOPILOT_HOME"] = str(home)
    yield home
    if previous is None:
        del os.environ["AUTOPILOT_HOME"]
    else:
        os.environ["AUTOPILOT_HOME"] = previous


SCANNED = ("justificatif-domicile.pdf", "piece-identite.pdf", "declaration-vol.pdf", "rib.pdf", "mandat.pdf",
           "kbis.pdf", "acte-mariage.pdf", "casier-judiciaire.pdf")
"""The documents waiting in the test scanner folder (`scans`)."""
SCANNED += ("permis-deteriore.pdf",)  # the recto-verso copy of a damaged driving licence
SCANNED += ("cerfa-13750.pdf", "certificat-immatriculation.pdf")  # a change of état civil on a carte grise


def _scanned_pdf(name: str) -> bytes:
    """A small, valid, one-page PDF whose content differs per document."""
    text = f"BT /F1 18 Tf 72 720 Td (Document numerise : {name}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
                b"/Resources << /Font << /F1 5 0 R >> >> >>"),
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@pytest.fixture(scope="session")
def scans(tmp_path_factory):
    """The mairie's scanner folder for this session (`AUTOPILOT_SCANS`), holding `SCANNED`."""
    folder = tmp_path_factory.mktemp("numerisations")
    for name in SCANNED:
        (folder / name).write_bytes(_scanned_pdf(name))
    previous = os.environ.get("AUTOPILOT_SCANS")
    os.environ["AUTOPILOT_SCANS"] = str(folder)
    yield folder
    if previous is None:
        del os.environ["AUTOPILOT_SCANS"]
    else:
        os.environ["AUTOPILOT_SCANS"] = previous


@pytest.fixture(scope="session")
def sandbox():
    """The sandbox server, started once for the whole session."""
    server = Sandbox().start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _fresh_sandbox(request):
    """Each test starts from an empty sandbox: no records, no faults, no sessions."""
    yield
    if "sandbox" in request.fixturenames:
        request.getfixturevalue("sandbox").reset()


@pytest.fixture(autouse=True)
def _no_process_left():
    """An `autopilot` process a test attached to does not outlive the test (tests/attached.py)."""
    yield
    from attached import end_attached

    end_attached()


@pytest.fixture(scope="session")
def library():
    """The project's flow library, loaded once."""
    return Library.load()


@pytest.fixture
def run_demarche(page, sandbox, library, tmp_path):
    """Run a démarche of the library on the sandbox in this test's page.

    Returns (result, approver, lines): the approver is scripted (the only scripted part),
    `lines` is what the mediator would have read in the terminal. The files a flow keeps go to
    this test's folder under the flow's own names, as the console keeps them in the visit's.
    """
    kept = tmp_path / "fichiers-gardes"
    kept.mkdir()

    def run(flow_id: str, data: dict, approver: ScriptedApprover | None = None, timeouts: Timeouts = FAST):
        flow = library.find(flow_id).flow
        values = validate_inputs(flow, data)
        approver = approver or ScriptedApprover()
        secrets, accounts = sandbox_credentials()
        lines: list[str] = []
        session = Session(page, library, approver, origins=Origins(sandbox.port), secrets=secrets,
                          accounts=accounts, report=lines.append, timeouts=timeouts)
        session.save_file = lambda name: kept / name
        return session.run(flow, values), approver, lines

    return run


def pytest_collection_modifyitems(config, items):
    """The longest test files first, so that no worker ends alone on a long file (tests/file_weights.py)."""
    from file_weights import longest_first

    items[:] = longest_first(items)
