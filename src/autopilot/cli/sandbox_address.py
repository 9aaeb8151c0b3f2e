"""A sandbox already running elsewhere (`--sandbox-url`): its address, and the proof that it is one.

`autopilot sandbox` prints `http://localhost:PORT/#jeton=TOKEN` (`Sandbox.address`). The fragment
never leaves this process: autopilot sends the server a random challenge and expects
HMAC-SHA256(TOKEN, context + challenge) back (`sandbox.control.proof`). A program squatting the port
does not know the token, so it learns nothing and the browser never opens on it; only then does
the run start (docs/adr/0013-trust-boundaries.md). The sandbox's own accounts are the only ones a
sandbox run types anyway (`browsing.sites`).
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import secrets
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlsplit

from autopilot.errors import SandboxNotProven, SiteUnreachable, UsageError

PROOF_CONTEXT = "autopilot-bac-a-sable:"  # the same string as sandbox.control.PROOF_CONTEXT
COPY_HINT = "Copiez l'adresse complète affichée par `autopilot sandbox` (…#jeton=…)."


def parse(url: str) -> tuple[int, str]:
    """The port and the token of a `--sandbox-url`; UsageError saying what is missing."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is None:
        raise UsageError(f"--sandbox-url {url} : le port manque.", "Par exemple http://localhost:8765/#jeton=….")
    if (parts.hostname or "") not in ("localhost", "127.0.0.1"):
        raise UsageError(f"--sandbox-url {url} : le bac à sable tourne sur ce poste (localhost).", COPY_HINT)
    token = (parse_qs(parts.fragment).get("jeton") or [""])[0]
    if not token:
        raise UsageError(f"--sandbox-url {url} : le jeton du bac à sable manque.", COPY_HINT)
    return port, token


def prove(port: int, token: str) -> None:
    """Ask the server on `port` to prove it knows `token`; SandboxNotProven if it does not."""
    challenge = secrets.token_urlsafe(24)
    home = f"http://localhost:{port}/"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # straight to this machine
    try:
        with opener.open(f"http://127.0.0.1:{port}/_sandbox/preuve?defi={challenge}", timeout=5) as reply:
            answer = json.loads(reply.read(4096).decode("utf-8"))["preuve"]
    except urllib.error.HTTPError:
        answer = None  # an error page: whatever answers there is not our sandbox
    except OSError:
        raise SiteUnreachable(f"Aucun bac à sable ne répond sur {home}.",
                              "Lancez-le avec `autopilot sandbox`, ou utilisez le bac à sable intégré : --sandbox.") from None
    except (http.client.HTTPException, ValueError, KeyError, TypeError):
        answer = None  # not HTTP, not JSON, no proof
    expected = hmac.new(token.encode(), (PROOF_CONTEXT + challenge).encode(), hashlib.sha256).hexdigest()
    if not isinstance(answer, str) or not hmac.compare_digest(answer, expected):
        raise SandboxNotProven(
            f"Le serveur de {home} n'a pas prouvé qu'il est le bac à sable lancé avec ce jeton : rien ne lui a été envoyé.",
            "Copiez l'adresse complète affichée par `autopilot sandbox` (…#jeton=…) ; si elle est juste, un autre"
            " programme occupe ce port.",
        )
