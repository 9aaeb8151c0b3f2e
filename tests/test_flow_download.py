"""The flow language's `download:` (ADR 0011): a file the site gives, kept as a declared output."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from autopilot.engine.downloads import default_folder
from autopilot.flows.model import Flow

BASE = {"id": "x", "title": "X", "category": "Test", "version": 1, "domains": ["histovec.interieur.gouv.fr"],
        "outputs": {"certificat": {"label": "Certificat de situation administrative", "journal": False}}}


def _flow(download: dict) -> Flow:
    return Flow.model_validate({**BASE, "steps": [{"title": "Rapport", "download": download}]})


def test_a_download_names_its_button_output_and_file():
    flow = _flow({"button": "Imprimer le CSA", "output": "certificat", "name": "certificat-situation-administrative.pdf"})
    download = flow.steps[0].download
    assert (download.click.description, download.output, download.name) == (
        "bouton « Imprimer le CSA »", "certificat", "certificat-situation-administrative.pdf")


@pytest.mark.parametrize("download, words", [
    ({"button": "Imprimer", "output": "inconnu", "name": "a.pdf"}, "n'est pas déclaré dans « outputs »"),
    ({"button": "Imprimer", "link": "Imprimer", "output": "certificat", "name": "a.pdf"}, "soit « button », soit « link »"),
    ({"button": "Imprimer", "output": "certificat", "name": "../../a.pdf"}, "name"),
    ({"button": "Imprimer", "output": "certificat", "name": "sans-extension"}, "name"),
    ({"button": "Imprimer", "output": "certificat", "name": "a.pdf", "dossier": "/tmp"}, "dossier"),
])
def test_a_wrong_download_is_refused(download, words):
    with pytest.raises(ValidationError) as caught:
        _flow(download)
    assert words in str(caught.value)


def test_the_json_schema_describes_it():
    schema = json.dumps(Flow.model_json_schema(), ensure_ascii=False)
    assert '"Download"' in schema and "Imprimer le CSA" in schema


def test_a_file_kept_outside_the_console_never_replaces_an_earlier_one(autopilot_home):
    """Two démarches of one kind (two titulaire changes in a morning) give files of one name: the
    first citizen's accusé stays, the second gets a name of its own."""
    first = default_folder("accuse-enregistrement.pdf")
    first.write_bytes(b"%PDF premier usager")
    second = default_folder("accuse-enregistrement.pdf")
    second.write_bytes(b"%PDF second usager")
    assert first != second and second.suffix == ".pdf"
    assert first.read_bytes() == b"%PDF premier usager"
    assert default_folder("accuse-enregistrement.pdf") not in (first, second)
