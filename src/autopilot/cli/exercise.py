"""The sandbox's exercise data, as a mediator would type it for each démarche (`samples.yaml`).

Shared by `autopilot check --sandbox` and `autopilot flows learn` (which rehearse every flow up
to its first gate), the test that what the console accepts the site accepts, and the bench.
"""

from __future__ import annotations

import contextlib
import copy
import tempfile
from collections.abc import Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from autopilot.flows import Flow
from autopilot.flows.inputs import validate_inputs

TIMBRE = "1234567890123456"  # a timbre fiscal number the sandbox accepts

# They start from what another démarche gave (bench/workload.py CHAINS): rehearsed there only.
CHAINED = frozenset({"immatriculation-changement-titulaire", "timbre-remboursement", "timbre-remboursement-justice"})


def demo_citizen() -> dict[str, Any]:
    """The citizen's data as the mediator types it (`autopilot demo`'s fictitious citizen)."""
    text = resources.files("autopilot.cli").joinpath("demo_citizen.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def samples() -> dict[str, Any]:
    """`samples.yaml`: the sandbox's date, the scans, what a person types, each démarche's data."""
    return yaml.safe_load(resources.files("autopilot.cli").joinpath("samples.yaml").read_text(encoding="utf-8"))


def sample_citizen(flow_id: str, sample: dict[str, Any]) -> dict[str, Any]:
    """The demo citizen with the scans and the démarche's sample data (from `samples()`) merged over."""
    return _merged(demo_citizen(), {**sample["scans"], **(sample["demarches"].get(flow_id) or {})})


def _merged(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """`base` with `over`'s values: a mapping merged into `base`'s mapping, anything else replacing."""
    data = copy.deepcopy(base)
    for name, value in over.items():
        both = isinstance(value, dict) and isinstance(data.get(name), dict)
        data[name] = _merged(data[name], value) if both else copy.deepcopy(value)
    return data


def given(flow: Flow, sample: dict[str, Any], demandes: Sequence[dict]) -> dict[str, Any]:
    """The démarche's sample data as the mediator types it, with a timbre and a demande the sandbox knows
    (for a suivi, one of `demandes` for the flow's titre)."""
    data = sample_citizen(flow.id, sample)
    typed = {name: value for name, value in data.items() if name in flow.inputs}
    for name, spec in flow.inputs.items():
        if spec.type == "numero_timbre":
            typed.setdefault(name, TIMBRE)
        elif spec.type == "numero_demande" and demandes:
            titre = flow.id.split("-")[0]  # passeport-suivi, cni-suivi
            typed.setdefault(name, next((d for d in demandes if d.get("titre") == titre), demandes[0])["numero"])
    return typed


def values(flow: Flow, sample: dict[str, Any], demandes: Sequence[dict],
           scans_folder: Path | None = None) -> dict[str, Any]:
    """`given`, validated (its scans looked for in `scans_folder`): the values a rehearsal runs with."""
    return validate_inputs(flow, given(flow, sample, demandes), scans_folder=scans_folder)


def _pdf_names(data: Any) -> set[str]:
    if isinstance(data, dict):
        return {name for value in data.values() for name in _pdf_names(value)}
    return {data} if isinstance(data, str) and data.endswith(".pdf") else set()


@contextlib.contextmanager
def exercise_scans(sample: dict[str, Any]) -> Iterator[Path]:
    """A throw-away scanner folder holding a fictitious document for each file the exercise data names,
    for the block; passed down as the run's scanner folder (rehearsals attach them to the sandbox only)."""
    from autopilot.sandbox.kit.pdf import Line, pdf_document  # rehearsals run on the sandbox anyway

    with tempfile.TemporaryDirectory(prefix="autopilot-exercice-") as folder:
        for name in sorted(_pdf_names(sample)):
            (Path(folder) / name).write_bytes(pdf_document([Line("Document d'exercice", 16, bold=True), "", name]))
        yield Path(folder)
