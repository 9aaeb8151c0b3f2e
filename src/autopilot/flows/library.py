"""The library of flows: every `*.yaml` under the flows folder, démarches and accounts."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from autopilot.errors import FlowError
from autopilot.flows.domains import Trust
from autopilot.flows.loader import load_flow
from autopilot.flows.model import Flow

ACCOUNTS_DIR = "accounts"
CATEGORIES = ("Carte d'identité", "Passeport", "Permis de conduire", "Immatriculation", "Timbres fiscaux")
"""The mission's order of the démarches; other categories come after, alphabetically."""


def default_flows_dir() -> Path:
    """`$AUTOPILOT_FLOWS`, else the `flows/` folder of this checkout, else `./flows`."""
    configured = os.environ.get("AUTOPILOT_FLOWS")
    if configured:
        return Path(configured)
    checkout = Path(__file__).resolve().parents[3] / "flows"
    return checkout if checkout.is_dir() else Path("flows")


@dataclass(frozen=True)
class LibraryFlow:
    """A flow of the library and the file it came from (docs/glossary.md: not a journal `Entry`)."""

    flow: Flow
    path: Path


class Library:
    """All flows of one folder, loaded and checked together."""

    def __init__(self, root: Path, entries: list[LibraryFlow], trust: Trust = Trust()) -> None:
        self.root = root
        self._entries = entries
        self.trust = trust  # what any other flow file run with this library is checked against

    @classmethod
    def load(cls, root: Path | None = None, *, allowed: Sequence[str] = (), only: str | None = None) -> Library:
        """Load every flow under `root`; raise FlowError listing every broken file.

        `allowed`: the sites outside the State's domains flows may visit (the settings file's
        `domaines_autorises`, which the command line passes). Account flows load first: their
        domains bound where the démarches may type their secrets.

        `only`: the id (or the file) of the one démarche a command runs. The accounts load, and of
        the démarches only the files that may hold that id, and those its inputs take `via:`, with
        theirs: a broken démarche file elsewhere does not stop it, and the other files are not
        validated (27 ms of CPU for the 22 files here, 5 for the passport's, its timbre's and the
        account's). A file is passed over only when a top-level line of it says another id
        (`_said_id`); an id found nowhere loads the whole library, whose error lists the démarches
        there are (ADR 0019, addendum).
        """
        root = root or default_flows_dir()
        if not root.is_dir():
            raise FlowError(f"dossier de flows introuvable : {root}", "Indiquez-le avec AUTOPILOT_FLOWS.")
        trust = Trust(tuple(allowed))
        paths = sorted(root.rglob("*.yaml"))
        accounts = [path for path in paths if path.parent.name == ACCOUNTS_DIR]
        entries, problems = _load_each(accounts, trust)
        trust = trust.with_accounts((entry.flow.account or "", entry.flow.domains) for entry in entries)
        others = [path for path in paths if path not in accounts]
        if only is None:
            demarches, more = _load_each(others, trust)
        else:
            demarches, more = _load_wanted(others, only, trust)
            if not more and not _is_file(only) and all(entry.flow.id != only for entry in demarches):
                return cls.load(root, allowed=allowed)  # unknown here: the whole library says what there is
        entries = sorted(entries + demarches, key=lambda entry: entry.path)
        problems += more
        seen: dict[str, Path] = {}
        for entry in entries:
            if entry.flow.id in seen:
                problems.append(f"{_shown(entry.path)}:1: identifiant « {entry.flow.id} » déjà pris par {_shown(seen[entry.flow.id])}")
            seen[entry.flow.id] = entry.path
        problems += _via_problems(entries)
        if problems:
            raise FlowError("\n".join(problems))
        return cls(root, entries, trust)

    @staticmethod
    def trust_of(root: Path | None = None, *, allowed: Sequence[str] = ()) -> Trust:
        """What a single flow file is checked against: the `allowed` sites (the settings') and the
        domains of the accounts under `root` (those that load)."""
        root = root or default_flows_dir()
        trust = Trust(tuple(allowed))
        accounts, _ = _load_each(sorted((root / ACCOUNTS_DIR).glob("*.yaml")), trust)
        return trust.with_accounts((entry.flow.account or "", entry.flow.domains) for entry in accounts)

    @property
    def demarches(self) -> list[LibraryFlow]:
        return [e for e in self._entries if not self.is_account(e)]

    def by_category(self) -> list[tuple[str, list[LibraryFlow]]]:
        """The démarches grouped by category, in the mission's order, each group by title."""
        groups: dict[str, list[LibraryFlow]] = {}
        for entry in self.demarches:
            groups.setdefault(entry.flow.category, []).append(entry)
        rank = {name: index for index, name in enumerate(CATEGORIES)}
        ordered = sorted(groups, key=lambda name: (rank.get(name, len(CATEGORIES)), name))
        return [(name, sorted(groups[name], key=lambda e: e.flow.title)) for name in ordered]

    @property
    def accounts(self) -> list[LibraryFlow]:
        return [e for e in self._entries if self.is_account(e)]

    def is_account(self, entry: LibraryFlow) -> bool:
        return entry.path.parent.name == ACCOUNTS_DIR

    def find(self, name: str) -> LibraryFlow:
        """A flow by id (`passeport-pre-demande`) or by file path."""
        for entry in self._entries:
            if entry.flow.id == name:
                return entry
        if _is_file(name):
            path = Path(name)
            for entry in self._entries:  # a file of the library: its entry (its fingerprints beside it)
                if entry.path.resolve() == path.resolve():
                    return entry
            return LibraryFlow(load_flow(path, shown_as=_shown(path), trust=self.trust), path)
        known = ", ".join(e.flow.id for e in self.demarches)
        raise FlowError(f"démarche « {name} » introuvable", f"Démarches disponibles : {known}.")

    def account(self, name: str) -> LibraryFlow:
        """The account flow `accounts/NAME.yaml`."""
        for entry in self._entries:
            if self.is_account(entry) and entry.path.stem == name:
                return entry
        raise FlowError(f"compte « {name} » introuvable : il manque {self.root / ACCOUNTS_DIR / (name + '.yaml')}")


def _load_wanted(paths: list[Path], wanted: str, trust: Trust) -> tuple[list[LibraryFlow], list[str]]:
    """The démarche `wanted` (an id, or a file's path) from `paths` and those giving its inputs (`via:`),
    with theirs; and the problems of the files loaded to find them."""
    said: dict[Path, str | None] = {path: _said_id(path) for path in paths}
    entries: list[LibraryFlow] = []
    problems: list[str] = []

    def load(files: list[Path]) -> list[str]:
        """Load `files` (never again); the ids their démarches take inputs `via:`."""
        loaded, more = _load_each(files, trust)
        problems.extend(more)
        entries.extend(loaded)
        for path in files:
            said[path] = ""
        return [spec.via for entry in loaded for spec in entry.flow.inputs.values() if spec.via is not None]

    if _is_file(wanted):  # the file itself, inside the folder or not
        given = Path(wanted).resolve()
        ids = load([next((path for path in paths if path.resolve() == given), Path(wanted))])
    else:
        ids = [wanted]
    asked: set[str] = set()
    while ids:
        name = ids.pop()
        if name not in asked:
            asked.add(name)
            ids += load([path for path in paths if said[path] in (name, None)])  # unsaid ids: loaded to know
    return entries, problems


# A top-level `id:` line in block style, its value plain or quoted: how every flow says its id.
_ID_LINE = re.compile(r"^id:[ \t]*(?P<q>[\"']?)(?P<id>[A-Za-z0-9._-]+)(?P=q)[ \t]*(?:#.*)?$", re.MULTILINE)


def _said_id(path: Path) -> str | None:
    """The id a flow file gives on one top-level line of its own; None when it does not say it that way, says
    two (the loader refuses a key given twice), or cannot be read: the file must then be loaded to know."""
    try:
        said = {match["id"] for match in _ID_LINE.finditer(path.read_text(encoding="utf-8"))}
    except (OSError, UnicodeDecodeError):
        return None
    return said.pop() if len(said) == 1 else None


def _is_file(name: str) -> bool:
    """Whether `name` is a flow file's path (`find` takes one as well as an id)."""
    path = Path(name)
    return path.suffix in (".yaml", ".yml") and path.exists()


def _load_each(paths: list[Path], trust: Trust) -> tuple[list[LibraryFlow], list[str]]:
    """The flows of `paths` that load, and the problems of those that do not."""
    entries: list[LibraryFlow] = []
    problems: list[str] = []
    for path in paths:
        try:
            entries.append(LibraryFlow(load_flow(path, shown_as=_shown(path), trust=trust), path))
        except FlowError as error:
            problems.append(str(error) + (f"\n  → {error.hint}" if error.hint else ""))
    return entries, problems


def _shown(path: Path) -> str:
    """A path as short as possible for messages: relative to the current folder when it can be."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _via_problems(entries: list[LibraryFlow]) -> list[str]:
    """An input's `via:` must name a démarche of the library with an output of the input's type."""
    by_id = {entry.flow.id: entry.flow for entry in entries}
    problems = []
    for entry in entries:
        for name, spec in entry.flow.inputs.items():
            if spec.via is None:
                continue
            giver = by_id.get(spec.via)
            if giver is None:
                problems.append(f"{_shown(entry.path)}: donnée « {name} » : via « {spec.via} » : aucune démarche"
                                " n'a cet identifiant")
            elif not any(output.type == spec.type for output in giver.outputs.values()):
                problems.append(f"{_shown(entry.path)}: donnée « {name} » : via « {spec.via} » : cette démarche ne"
                                f" donne aucune sortie de type {spec.type}")
    return problems
