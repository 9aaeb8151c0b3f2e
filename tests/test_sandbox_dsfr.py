"""The sandbox wears the official DSFR (ADR 0010): served at /static/dsfr/ on every host, loaded by the pages."""

from __future__ import annotations

import http.client
import subprocess
import sys

from autopilot.sandbox.kit import dsfr

START = "https://passeport.ants.gouv.fr/demarches-en-ligne/pre-demande-passeport"


def _get(sandbox, host: str, path: str) -> tuple[int, str, bytes]:
    """GET `path` on the sandbox as the local host of `host` (the real site's), over real HTTP."""
    connection = http.client.HTTPConnection("127.0.0.1", sandbox.port, timeout=10)
    local = host if host == "localhost" else f"{host}.localhost"
    connection.request("GET", path, headers={"Host": f"{local}:{sandbox.port}"})
    response = connection.getresponse()
    try:
        return response.status, response.headers.get("Content-Type", ""), response.read()
    finally:
        connection.close()


def test_the_official_dsfr_is_installed_by_the_set_up():
    folder = dsfr.dist_dir()
    assert folder is not None, "scripts/setup --test installs @gouvfr/dsfr into .cache/dsfr"
    assert f'"version": "{dsfr.VERSION}"' in (folder.parent / "package.json").read_text(encoding="utf-8")
    assert dsfr.example_dir() is not None


def test_every_host_serves_the_official_files(sandbox):
    official = (dsfr.dist_dir() / "dsfr.min.css").read_bytes()
    for host in ("ants.gouv.fr", "passeport.ants.gouv.fr", "histovec.interieur.gouv.fr", "localhost"):
        status, kind, body = _get(sandbox, host, "/static/dsfr/dsfr.min.css")
        assert (status, kind.split(";")[0], body) == (200, "text/css", official)
    status, kind, _ = _get(sandbox, "ants.gouv.fr", "/static/dsfr/dsfr.module.min.js")
    assert status == 200 and "javascript" in kind
    assert _get(sandbox, "ants.gouv.fr", "/static/dsfr/utility/icons/icons.min.css")[0] == 200
    assert _get(sandbox, "ants.gouv.fr", "/static/dsfr/fonts/Marianne-Regular.woff2")[0] == 200
    assert _get(sandbox, "ants.gouv.fr", "/static/dsfr/../../package.json")[0] == 404


def test_pages_load_the_official_css_then_the_sandbox_extras_and_the_js(sandbox, page):
    page.goto(sandbox.url(START))
    sheets = page.evaluate("() => [...document.styleSheets].map((s) => new URL(s.href).pathname)")
    assert sheets == ["/static/dsfr/dsfr.min.css", "/static/bac-a-sable.css"]
    scripts = page.evaluate("() => [...document.scripts].map((s) => s.src && new URL(s.src).pathname)")
    assert "/static/dsfr/dsfr.module.min.js" in scripts
    page.wait_for_function("() => window.dsfr !== undefined")  # the DSFR's own script ran


def test_without_the_official_files_the_pages_fall_back_and_say_so_once(tmp_path):
    code = """
import http.client
from autopilot.sandbox import Sandbox
with Sandbox() as s:
    c = http.client.HTTPConnection("127.0.0.1", s.port)
    c.request("GET", "/monespace/se-connecter", headers={"Host": f"ants.gouv.fr.localhost:{s.port}"})
    html = c.getresponse().read().decode()
    print("/static/dsfr-bac-a-sable.css" in html, "/static/dsfr/dsfr.min.css" in html)
with Sandbox() as s:
    pass
"""
    env = {"AUTOPILOT_DSFR_DIST": str(tmp_path / "absent"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["True", "False"]
    assert done.stderr.count("le DSFR officiel n'est pas installé") == 1
