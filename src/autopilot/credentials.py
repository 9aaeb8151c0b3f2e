"""Secrets of the mairie's accounts, in the OS keyring — the only module importing keyring.

A flow names a secret by reference (`secret: ants.mot_de_passe`); it is read here at the
moment of filling and handed to the browser, never written anywhere else. There is no
plaintext fallback: without a working keyring, autopilot says how to get one.
"""

from __future__ import annotations

import secrets

import keyring
from keyring.errors import KeyringError, NoKeyringError

from autopilot.errors import CredentialsError

SERVICE = "autopilot"


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
        keyring.set_password(_service(account), key, value)
    except KeyringError as error:
        raise _keyring_problem(error) from None


def delete(account: str, key: str) -> bool:
    """Remove a secret; False if there was none."""
    try:
        keyring.delete_password(_service(account), key)
        return True
    except keyring.errors.PasswordDeleteError:
        return False
    except KeyringError as error:
        raise _keyring_problem(error) from None


def has(account: str, key: str) -> bool:
    """Whether the keyring holds this secret (without revealing it)."""
    try:
        return keyring.get_password(_service(account), key) is not None
    except KeyringError as error:
        raise _keyring_problem(error) from None


def resolve(reference: str) -> str:
    """The value of `account.key` from the keyring; CredentialsError with the fix if absent."""
    account, _, key = reference.partition(".")
    try:
        value = keyring.get_password(_service(account), key)
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
        return keyring.get_password(_service(account), key)
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
        keyring.get_password(_service(SERVICE), "sonde")
    except NoKeyringError:
        return False
    except KeyringError:
        return True
    return True
