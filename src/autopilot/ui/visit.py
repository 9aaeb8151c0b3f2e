"""A visit: one citizen at the desk, their data held in memory, their agreement, their démarches, their folder.

The data typed for one démarche is offered again for the next (same input name, same type): the
citizen is asked nothing twice — except a timbre's number, which pays once. A démarche's typed
result (`outputs: {numero_timbre: {type: numero_timbre}}`) fills the input that names that
démarche with `via:`: the timbre bought first goes into the pré-demande, whose form was kept as
typed meanwhile (`set_aside`). The récapitulatifs go to a per-visit folder under the cache folder;
ending the visit forgets the data and deletes the folder, except the files the mediator chose to
keep. A folder left behind by a crash is deleted at the next start (`forget_unfinished`), kept files
once the journal's retention period is over (`forget_expired`). No
démarche starts outside the scope the citizen agreed to (`Consent`); the agreement ends with the
visit.
"""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from autopilot.dossier import MODELS, DossierError, validate_record, validate_scalar
from autopilot.engine import endings
from autopilot.engine.runner import RunResult
from autopilot.flows import Flow
from autopilot.flows.model import InputSpec
from autopilot.ui.consent import Consent

UNFINISHED = ".visite-en-cours"  # present in a visit's folder until the visit ends properly
SERVES_ONCE = frozenset({"numero_timbre"})  # a timbre pays for one démarche: not offered again once given


@dataclass
class Attempt:
    """One attempt at a démarche during the visit, and how it ended."""

    number: int
    flow: Flow
    values: dict[str, Any]
    result: RunResult | None = None  # None while it runs
    recapitulatif: Path | None = None  # the PDF, in the visit's folder
    recapitulatif_problem: str | None = None  # why there is no PDF
    kept: bool = False  # the mediator chose to keep the PDF after the visit
    consent_hash: str | None = None  # the agreement's text it was done under (journal)
    downloads: list[Path] = field(default_factory=list)  # what the site gave, in the visit's folder
    journal_problem: str | None = None  # why the journal could not record it (the result stands)

    @property
    def outputs(self) -> list[tuple[str, str]]:
        if self.result is None:
            return []
        return endings.obtained(self.flow, self.result)

    @property
    def stopped_sentence(self) -> str:
        """How the result page says where the run stopped, and what is done on the site for good."""
        return endings.stopped_sentence(self.result) if self.result is not None else ""

    @property
    def done_on_site(self) -> str | None:
        """« Déjà fait sur le site : le paiement (…). », or None."""
        return endings.done_on_site(self.result) if self.result is not None else None


class Visit:
    """The citizen at the desk; everything about them goes when the visit ends."""

    def __init__(self, root: Path) -> None:
        self.root = root  # where visits' folders go
        self.values: dict[str, tuple[str, Any]] = {}  # input name → (type, normalised value)
        self.results: dict[str, tuple[str, Flow]] = {}  # type → (normalised value, the démarche that obtained it)
        self.spent: set[Any] = set()  # values of SERVES_ONCE types already given to a démarche
        self.reserved: dict[str, str] = {}  # input name → the only démarche its preloaded value is for
        self.aside: tuple[str, dict[str, str]] | None = None  # (flow id, the form as typed), see set_aside
        self.demarches: list[Attempt] = []
        self.consent: Consent | None = None
        self._folder: Path | None = None

    # --- the citizen's data ----------------------------------------------------------

    def known(self, flow: Flow) -> dict[str, Any]:
        """The inputs of `flow` the citizen already gave in this visit (absent ones included),
        and those a démarche of the visit obtained (a timbre bought)."""
        found = {}
        for name, spec in flow.inputs.items():
            obtained = self.obtained(spec)
            if obtained is not None:
                found[name] = obtained[0]
                continue
            if name in self.values and self.values[name][0] == spec.type:
                if spec.type in SERVES_ONCE and (self.values[name][1] in self.spent
                                                 or self.reserved.get(name, flow.id) != flow.id):
                    continue  # given to an earlier démarche, or meant for another: asked
                value = self.values[name][1]
                if spec.type == "choice" and value is not None and value not in (spec.options or ()):
                    continue
                if value is None and spec.always_required:
                    continue
                found[name] = value
        return found

    def obtained(self, spec: InputSpec) -> tuple[str, Flow] | None:
        """The result a démarche of this visit obtained for an input that names it (`via:`)."""
        found = self.results.get(spec.type)
        return found if found is not None and found[1].id == spec.via else None

    def remember(self, flow: Flow, values: Mapping[str, Any]) -> None:
        """Keep the validated inputs for the next démarches of the visit."""
        for name, value in values.items():
            kind = flow.inputs[name].type
            self.values[name] = (kind, value)
            if kind in SERVES_ONCE and value is not None:
                self.spent.add(value)
            if kind in self.results and self.results[kind][0] == value:
                del self.results[kind]  # a timbre goes into one démarche only

    def preload(self, flows: Sequence[Flow], data: Mapping[str, Any], *, main: Flow) -> None:
        """Put a citizen's data in the visit for every démarche that asks for it (the demo):
        each value is checked as the démarche's input; one it refuses is left out. A timbre is
        offered to `main` only."""
        for flow in (main, *flows):
            for name, spec in flow.inputs.items():
                if name not in data or name in self.values:
                    continue
                if spec.type in SERVES_ONCE:
                    self.reserved[name] = main.id
                label = spec.label or name
                try:
                    if spec.type in MODELS:
                        value = validate_record(spec.type, data[name], section=label)
                    else:
                        value = validate_scalar(spec.type, data[name], label=label, options=spec.options,
                                                required=False)
                except (DossierError, TypeError):
                    continue
                self.values[name] = (spec.type, value)

    def remember_outputs(self, flow: Flow, outputs: Mapping[str, str]) -> None:
        """Keep the typed results of a démarche (the timbre's number) for the next ones."""
        for name, value in outputs.items():
            spec = flow.outputs.get(name)
            if spec is None or spec.type is None:
                continue
            try:
                normalised = validate_scalar(spec.type, value, label=spec.label)
            except DossierError:
                continue  # not what was expected: the mediator reads it on the result page
            self.results[spec.type] = (str(normalised), flow)

    def set_aside(self, flow: Flow, posted: Mapping[str, str]) -> None:
        """Keep a form as typed while another démarche obtains one of its inputs."""
        self.aside = (flow.id, {k: v for k, v in posted.items() if not k.startswith("_") and k != "via"})

    def take_aside(self, flow: Flow) -> dict[str, str]:
        """The form of `flow` set aside, if any (given once)."""
        if self.aside is None or self.aside[0] != flow.id:
            return {}
        posted, self.aside = self.aside[1], None
        return posted

    @property
    def citizen(self) -> str | None:
        """The citizen's name as typed, for the visit's bar (never written anywhere)."""
        return citizen_name({name: value for name, (_, value) in self.values.items()})

    @property
    def started(self) -> bool:
        return bool(self.values or self.demarches or self.consent)

    def covers(self, flow: Flow) -> bool:
        """Whether the citizen's agreement covers `flow`'s category."""
        return self.consent is not None and self.consent.covers(flow.category)

    # --- démarches and files ---------------------------------------------------------

    def add(self, flow: Flow, values: dict[str, Any]) -> Attempt:
        consent_hash = self.consent.text.sha256 if self.consent is not None else None
        demarche = Attempt(len(self.demarches) + 1, flow, values, consent_hash=consent_hash)
        self.demarches.append(demarche)
        return demarche

    def demarche(self, number: int) -> Attempt | None:
        return self.demarches[number - 1] if 0 < number <= len(self.demarches) else None

    def folder(self) -> Path:
        """The visit's folder for its récapitulatifs, created on first use."""
        if self._folder is None:
            self.root.mkdir(parents=True, exist_ok=True)
            self._folder = self.root / f"{datetime.now():%Y-%m-%d-%H%M%S}-{secrets.token_hex(3)}"
            self._folder.mkdir()
            (self._folder / UNFINISHED).touch()
        return self._folder

    def download_path(self, suggested: str) -> Path:
        """Where a file the site gives goes: the visit's folder, under a name of its own."""
        name = Path(suggested.replace("\\", "/")).name.lstrip(".") or "fichier"
        taken = {path.name for path in self.folder().iterdir()}
        number = 1
        while (candidate := f"{number}-{name}") in taken:
            number += 1
        return self.folder() / candidate

    def end(self) -> list[Path]:
        """Forget everything; delete the folder except kept files. Returns the kept files."""
        kept = [d.recapitulatif for d in self.demarches if d.kept and d.recapitulatif is not None]
        if self._folder is not None:
            if kept:
                for path in self._folder.iterdir():
                    if path not in kept:
                        path.unlink()
            else:
                shutil.rmtree(self._folder, ignore_errors=True)
        self.values.clear()
        self.results.clear()
        self.spent.clear()
        self.reserved.clear()
        self.aside = None
        self.demarches.clear()
        self.consent = None
        self._folder = None
        return kept


def citizen_name(values: Mapping[str, Any]) -> str | None:
    """« Camille Lefèvre »: the first identity among a démarche's inputs, as the mediator reads it."""
    for value in values.values():
        if isinstance(value, Mapping) and value.get("nom_naissance"):
            first = (value.get("prenoms") or "").split(",")[0].strip()
            return " ".join(part for part in (first, value.get("nom_usage") or value["nom_naissance"]) if part)
    return None


def forget_unfinished(root: Path) -> None:
    """Delete the folders of visits that never ended (the program was killed)."""
    if not root.is_dir():
        return
    for folder in root.iterdir():
        if (folder / UNFINISHED).exists():
            shutil.rmtree(folder, ignore_errors=True)



def forget_expired(root: Path, *, months: int, today: date | None = None) -> None:
    """Delete visits' folders (files the mediator kept) older than the retention period (`conservation_mois`).

    A folder's date is in its name (`Visit.folder`); anything else under `root` is left alone.
    """
    if not root.is_dir():
        return
    today = today or date.today()
    total = today.year * 12 + today.month - 1 - months
    limit = date(total // 12, total % 12 + 1, min(today.day, 28))
    for folder in root.iterdir():
        try:
            made = datetime.strptime(folder.name[:10], "%Y-%m-%d").date()
        except ValueError:
            continue
        if folder.is_dir() and made < limit:
            shutil.rmtree(folder, ignore_errors=True)
