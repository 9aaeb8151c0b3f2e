"""What `autopilot demo` shows: a fictitious citizen (`demo_citizen.yaml`), the démarche they come
for, and example scanned documents a trainee can attach.

The documents are used only when the mairie has not configured a scanner folder of its own
(`autopilot.scans`): then the demo writes them under the cache folder and points the scanner
folder at them for its own process.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from autopilot import scans
from autopilot.config import Config
from autopilot.paths import cache_dir

DEMO_FLOW = "passeport-pre-demande"  # the démarche the demo's citizen comes for
FOLDER = "numerisations-exemple"
_NOTICE = "Document fictif pour la formation des médiateurs numériques : il n'a aucune valeur."
DOCUMENTS = {
    "justificatif-domicile-exemple.pdf": ["Facture d'électricité", "Camille Lefèvre", "12 rue des Lilas",
                                          "35000 Rennes", "Période : octobre 2026"],
    "piece-identite-exemple.pdf": ["Carte nationale d'identité (copie)", "LEFÈVRE Camille, Louise",
                                   "Née le 14/07/1985 à Rennes (35)"],
    "acte-mariage-exemple.pdf": ["Extrait d'acte de mariage", "Camille Lefèvre et Alex Durand",
                                 "Mariés le 12/09/2026 à Rennes (35)"],
    "mandat-cerfa-13757-exemple.pdf": ["Mandat d'immatriculation (cerfa n° 13757)",
                                       "Mandant : Camille Lefèvre", "Mandataire : Mairie de démonstration"],
    "kbis-exemple.pdf": ["Extrait Kbis", "Garage de démonstration SARL", "SIRET : 732 829 320 00074"],
    "declaration-vol-exemple.pdf": ["Récépissé de déclaration de vol", "Déclarante : Camille Lefèvre",
                                    "Objet : permis de conduire", "Commissariat de Rennes, le 02/11/2026"],
    "permis-deteriore-exemple.pdf": ["Permis de conduire détérioré (copie recto-verso)", "LEFÈVRE Camille, Louise",
                                     "Recto : photo illisible", "Verso : catégorie B"],
}


def citizen() -> dict[str, Any]:
    """The fictitious citizen's data, for every démarche that asks for it (no real person)."""
    text = resources.files("autopilot.cli").joinpath("demo_citizen.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def use_example_scans() -> Path | None:
    """Point the scanner folder at the example documents, unless the mairie configured its own.

    Returns the folder used, or None when the configured one is kept.
    """
    if os.environ.get(scans.ENV) or Config.load().numerisations:
        return None
    from autopilot.sandbox.kit.pdf import (  # the demo runs on the sandbox anyway
        Line,
        pdf_document,
    )

    folder = cache_dir() / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    for name, lines in DOCUMENTS.items():
        path = folder / name
        if not path.exists():
            path.write_bytes(pdf_document([Line(lines[0], 16, bold=True), "", *lines[1:], "", _NOTICE]))
    os.environ[scans.ENV] = str(folder)
    return folder
