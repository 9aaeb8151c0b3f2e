"""Secrets of the mairie's accounts, in the OS keyring — the only module importing keyring.

A flow names a secret by reference (`secret: ants.mot_de_passe`); it is read here at the
moment of filling and handed to the browser, never written anywhere else. There is no
plaintext fallback: without a working keyring, autopilot says how to get one.
"""

from __future__ import annotations

import contextlib
import functools
import secrets
import sys
from importlib import metadata

import keyring
import keyring.core
from keyring.backend import KeyringBackend, by_priority
from keyring.backends import chainer, fail
from keyring.errors import KeyringError, NoKeyringError

from autopilot.errors import CredentialsError

SERVICE = "autopilot"
# keyring's own backends that can only work on one system, by module, and that system (sys.platform)
_ONE_SYSTEM = {"keyring.backends.macOS": "darwin", "keyring.backends.Windows": "win32"}


@functools.cache
def _backend() -> KeyringBackend:
    """The keyring backend of this process: the one keyring itself would choose, found without loading
    the backends of other systems when that cannot change the choice.

    keyring's detection imports every installed backend to weigh them; its macOS one, on Linux, looks
    for Apple's libraries by running ldconfig, gcc and ld: a tenth of a second of CPU on every command
    (ADR 0019). Here a backend named in the environment or in keyring's settings file is used as keyring
    uses it; when only keyring's own backends are installed, those of this system are weighed as keyring
    weighs them (the highest priority; none usable: no keyring). Any other case (another package's
    backend, two usable ones that keyring would chain) is left to keyring."""
    chosen = keyring.core.load_env() or keyring.core.load_config() or _own_backends_choice()
    if chosen is not None:
        keyring.set_keyring(chosen)
    return keyring.get_keyring()


def _own_backends_choice() -> KeyringBackend | None:
    plugins = metadata.entry_points(group="keyring.backends")
    if any(plugin.dist is None or plugin.dist.name != "keyring" for plugin in plugins):
        return None
    for plugin in plugins:
        if _ONE_SYSTEM.get(plugin.value, sys.platform) == sys.platform:
            with contextlib.suppress(Exception):  # as keyring loads them: a backend that fails to import is not there
                plugin.load()
    rings = []
    for backend in KeyringBackend.get_viable_backends():
        if not issubclass(backend, chainer.ChainerBackend):
            with contextlib.suppress(TypeError):  # one that needs arguments is not a choice, for keyring either
                rings.append(backend())
    if sum(ring.priority > 0 for ring in rings) > 1:
        return None
    return max(rings, default=fail.Keyring(), key=by_priority)


def _service(account: str) -> str:
    return f"{SERVICE}:{account}"


def _keyring_problem(error: Exception) -> CredentialsError:
    if isinstance(error, NoKeyringError):
        return CredentialsError(
            "Aucun trousseau de mots de passe n'est disponible sur ce poste.",
            "Windows et macOS en ont un. Sous Linux, installez et ouvrez gnome-keyring (ou KWallet)"
            " dans la session. autopilot n'enregistre jamais un mot de passe dans un fichier.",
        )
    return CredentialsError(
        f"Le trousseau de mots de passe ne répond pas ({type(error).__name__}).",
        "Déverrouillez le trousseau de la session (il demande souvent le mot de passe de session), puis recommencez.",
    )


def store(account: str, key: str, value: str) -> None:
    """Put a secret into the keyring."""
    try:
        _backend().set_password(_service(account), key, value)
    except KeyringError as error:
        raise _keyring_problem(error) from None


def delete(account: str, key: str) -> bool:
    """Remove a secret; False if there was none."""
    try:
        _backend().delete_password(_service(account), key)
        return True
    except keyring.errors.PasswordDeleteError:
        return False
    except KeyringError as error:
        raise _keyring_problem(error) from None


def has(account: str, key: str) -> bool:
    """Whether the keyring holds this secret (without revealing it)."""
    try:
        return _backend().get_password(_service(account), key) is not None
    except KeyringError as error:
        raise _keyring_problem(error) from None


def resolve(reference: str) -> str:
    """The value of `account.key` from the keyring; CredentialsError with the fix if absent."""
    account, _, key = reference.partition(".")
    try:
        value = _backend().get_password(_service(account), key)
    except KeyringError as error:
        raise _keyring_problem(error) from None
    if value is None:
        raise not_stored(account)
    return value


def not_stored(account: str) -> CredentialsError:
    """The error for an account whose password is not in this machine's keyring."""
    return CredentialsError(
        f"Le mot de passe du compte « {account} » n'est pas enregistré sur ce poste.",
        f"Enregistrez-le avec `autopilot account set {account}`.",
    )


def lookup(account: str, key: str) -> str | None:
    """A value of the keyring, or None when it holds none (no error for an absent entry)."""
    try:
        return _backend().get_password(_service(account), key)
    except KeyringError as error:
        raise _keyring_problem(error) from None


def generated(account: str, key: str) -> str:
    """A random secret made once on this machine and kept in the keyring (the journal's key)."""
    value = lookup(account, key)
    if value is None:
        store(account, key, secrets.token_hex(32))
        value = lookup(account, key)  # what the keyring holds, should another process have raced us
    if value is None:
        raise _keyring_problem(KeyringError("écriture perdue"))
    return value


def keyring_available() -> bool:
    """Whether this machine has a keyring at all (a locked one counts: it can be unlocked)."""
    try:
        _backend().get_password(_service(SERVICE), "sonde")
    except NoKeyringError:
        return False
    except KeyringError:
        return True
    return True
