"""autopilot's keyring backend is the one keyring itself would choose, found without loading the
backends of other systems (credentials.py `_backend`, bench/RESULTS.md « Whole process »).

Each case runs in a fresh Python process, as a command does: which backend keyring picks is decided
once per process. The oracle is keyring's own detection (`keyring.core._detect_backend`), run in
another fresh process under the same environment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

_OURS = textwrap.dedent("""
    import json, sys
    from autopilot import credentials
    available = credentials.keyring_available()
    import keyring
    ring = keyring.get_keyring()
    print(json.dumps({"backend": f"{type(ring).__module__}.{type(ring).__name__}", "available": available,
                      "loaded": sorted(name for name in sys.modules if name.startswith("keyring.backends."))}))
""")
_KEYRINGS = textwrap.dedent("""
    import json, keyring.core
    ring = keyring.core._detect_backend()
    print(json.dumps({"backend": f"{type(ring).__module__}.{type(ring).__name__}"}))
""")


def _python(code: str, env: dict[str, str]) -> dict:
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def _choices(env: dict[str, str]) -> tuple[dict, str]:
    """autopilot's choice, and keyring's own, each in a fresh process with `env`."""
    return _python(_OURS, env), _python(_KEYRINGS, env)["backend"]


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    """This session's environment (its Secret Service daemon), with a keyring settings folder of its own."""
    return {**{k: v for k, v in os.environ.items() if k != "PYTHON_KEYRING_BACKEND"},
            "XDG_CONFIG_HOME": str(tmp_path / "config")}


def test_the_session_keyring_is_chosen_as_keyring_would_without_loading_other_systems_backends(env):
    ours, keyrings = _choices(env)

    assert ours["backend"] == keyrings == "keyring.backends.SecretService.Keyring"
    assert ours["available"] is True
    # the point of it: keyring's detection imports them all (on Linux, macOS's runs gcc to look for Apple's libraries)
    assert "keyring.backends.macOS" not in ours["loaded"]
    assert "keyring.backends.Windows" not in ours["loaded"]


def test_a_machine_without_keyring_gets_keyrings_own_answer_none(env):
    env = {k: v for k, v in env.items() if k != "DBUS_SESSION_BUS_ADDRESS"}

    ours, keyrings = _choices(env)

    assert ours["backend"] == keyrings == "keyring.backends.fail.Keyring"
    assert ours["available"] is False
    assert "keyring.backends.macOS" not in ours["loaded"]


def test_a_backend_named_in_the_environment_is_used_as_keyring_would(env):
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"

    ours, keyrings = _choices(env)

    assert ours["backend"] == keyrings == "keyring.backends.null.Keyring"


def test_a_backend_named_in_keyrings_settings_file_is_used_as_keyring_would(env):
    settings = Path(env["XDG_CONFIG_HOME"]) / "python_keyring" / "keyringrc.cfg"
    settings.parent.mkdir(parents=True)
    settings.write_text("[backend]\ndefault-keyring = keyring.backends.null.Keyring\n", encoding="utf-8")

    ours, keyrings = _choices(env)

    assert ours["backend"] == keyrings == "keyring.backends.null.Keyring"


def test_another_packages_backend_makes_keyring_compare_them_all(env, tmp_path):
    """A plugin installed by the mairie's IT person (here one that outranks the session's keyring) is
    weighed as keyring weighs it: autopilot does not guess among backends it does not know."""
    site = tmp_path / "site"
    (site / "mairie_keyring.py").parent.mkdir(parents=True)
    (site / "mairie_keyring.py").write_text(textwrap.dedent("""
        from keyring.backend import KeyringBackend

        class Keyring(KeyringBackend):  # held in the process's memory, ranked above the session's keyring
            priority = 20
            held = {}

            def get_password(self, service, username):
                return self.held.get((service, username))

            def set_password(self, service, username, password):
                self.held[(service, username)] = password

            def delete_password(self, service, username):
                del self.held[(service, username)]
    """), encoding="utf-8")
    dist = site / "mairie_keyring-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: mairie-keyring\nVersion: 1.0\n", encoding="utf-8")
    (dist / "entry_points.txt").write_text("[keyring.backends]\nmairie = mairie_keyring\n", encoding="utf-8")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH")]))

    ours, keyrings = _choices(env)

    assert ours["backend"] == keyrings == "mairie_keyring.Keyring"
