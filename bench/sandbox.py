"""The sandbox in its own process (`autopilot sandbox --port N`), driven over `/_sandbox/*`.

A separate process keeps the server's work out of the measured client's CPU time and memory:
both sides of every comparison talk to the same server the same way.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from typing import Any, Self

from autopilot.engine.origins import Origins


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RemoteSandbox:
    """`autopilot sandbox` on a free port, for the length of a `with` block."""

    def __init__(self) -> None:
        self.port = _free_port()
        self._process: subprocess.Popen | None = None
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 -- the server's stderr, closed by __exit__
        self._out = tempfile.TemporaryFile()  # noqa: SIM115 -- its stdout: the address with its token

    @property
    def pid(self) -> int | None:
        """The server process's id while it runs."""
        return self._process.pid if self._process is not None else None

    @property
    def origins(self) -> Origins:
        return Origins(self.port)

    def __enter__(self) -> Self:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "autopilot", "sandbox", "--port", str(self.port)],
            stdout=self._out, stderr=self._log,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                self._call("GET", "received")
                return self
            except OSError:
                if self._process.poll() is not None or time.monotonic() > deadline:
                    error = self.log()
                    self.__exit__()
                    raise RuntimeError(f"the sandbox did not start: {error[-500:]}") from None
                time.sleep(0.1)

    @property
    def address(self) -> str:
        """The address `autopilot sandbox` printed, token included (what `--sandbox-url` takes)."""
        self._out.seek(0)
        text = self._out.read().decode("utf-8", "replace")
        return next(word for word in text.split() if "#jeton=" in word)

    def __exit__(self, *exc_info: object) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None
        self._log.close()
        self._out.close()

    def log(self) -> str:
        """What the server wrote on stderr so far."""
        self._log.seek(0)
        return self._log.read().decode(errors="replace").strip()

    def _call(self, method: str, name: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None)
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/_sandbox/{name}", method=method, data=data,
                                         headers={"Content-Type": "application/json"} if body is not None else {})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)

    def reset(self) -> None:
        """Forget records, sessions and drafts: every run starts from the same state."""
        self._call("POST", "reset")

    def received(self) -> list[dict[str, Any]]:
        """What "the administration" received, oldest first."""
        return self._call("GET", "received")

    def demandes(self) -> list[dict[str, Any]]:
        """The demandes de titre the suivi knows (seeded at reset)."""
        return self._call("GET", "demandes")

    def today(self) -> date:
        """The date the sites take for today."""
        return date.fromisoformat(self._call("GET", "today")["today"])

    def set_today(self, day: date | None) -> None:
        """Pretend today is `day` on every site (None: the real date); a reset forgets it."""
        self._call("POST", "today", {"today": day.isoformat() if day is not None else None})
