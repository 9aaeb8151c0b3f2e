"""The person at the desk, at the steps a flow leaves to a person: the citizen types their card
(a payment) or their code confidentiel, someone proves they are not a robot (a receipt is now a
flow's `download:`, taken by autopilot). Scripted as the tests do it (tests/paying.py's `citizen_pays`,
tests/test_permis_services.py: the captcha's code is read from the page), and counted: these
actions are the same by hand and with autopilot (bench/workload.py's docstring says how the
workload counts them).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import Page

from autopilot.engine.approver import StepView

PAY_BUTTON = re.compile(r"^(Payer [\d\s,]+ €|Valider)$")
"""« Payer 86 € », « Payer 253,76 € »: the amount as the page shows it; « Valider » on the timbres' card pages."""


@dataclass
class Actions:
    """What a person did on the pages: fields filled, characters typed, clicks."""

    fields: int = 0
    characters: int = 0
    clicks: int = 0

    @property
    def total(self) -> int:
        return self.fields + self.clicks


@dataclass
class Person:
    """Plays the person at the manual steps of one run of `flow_id` on `page`.

    `data` is samples.yaml's `person:` (the card, the codes confidentiels by NEPH); `values` the
    run's inputs (the NEPH whose code the citizen types).
    """

    page: Page
    flow_id: str
    data: dict[str, Any]
    values: dict[str, Any]
    done: Actions = field(default_factory=Actions)

    def knows(self, view: StepView) -> bool:
        """Whether a person is scripted for this manual step."""
        return view.gate == "payment" or (self.flow_id, view.title) in _SCRIPTS

    def act(self, view: StepView) -> None:
        """Do what the step's instruction asks of the person."""
        (_pays if view.gate == "payment" else _SCRIPTS[(self.flow_id, view.title)])(self)

    def fill(self, label: str, text: str) -> None:
        self.page.locator("body").get_by_label(label).fill(text)
        self.done.fields += 1
        self.done.characters += len(text)

    def tick(self, label: str) -> None:
        self.page.locator("body").get_by_label(label).check(force=True)
        self.done.fields += 1

    def click(self, name: str | re.Pattern[str]) -> None:
        self.page.locator("body").get_by_role("button", name=name).click()
        self.done.clicks += 1


def _pays(person: Person) -> None:
    """The citizen types their card and clicks « Payer … € »."""
    card = person.data["carte"]
    person.fill("Numéro de carte", card["numero"])
    person.fill("Date d'expiration (MM/AA)", card["expiration"])
    person.fill("Cryptogramme visuel", card["cryptogramme"])
    person.click(PAY_BUTTON)


def _solves_the_captcha(person: Person) -> None:
    """The person at the desk reads the code in the image, ticks the box, clicks « Rechercher »."""
    code = "".join(person.page.locator("body .fr-captcha__glyph").all_text_contents())
    person.fill("Recopiez le code affiché", code)
    person.tick("Je ne suis pas un robot")
    person.click("Rechercher")


def _types_the_code(person: Person) -> None:
    """The citizen types their code confidentiel and clicks « Accéder »."""
    neph = "".join(str(person.values["neph"]).split())
    person.fill("Code confidentiel", person.data["codes_confidentiels"][neph])
    person.click("Accéder")


def _logs_in_with_franceconnect(person: Person) -> None:
    """The citizen clicks the FranceConnect button, picks their provider and types their own login."""
    login = person.data["franceconnect"]
    person.click(re.compile("identifier avec FranceConnect"))
    person.page.locator("body").get_by_role("link", name=login["fournisseur"], exact=True).click()
    person.done.clicks += 1
    person.fill("Identifiant", login["identifiant"])
    person.fill("Mot de passe", login["mot_de_passe"])
    person.click("Se connecter")


_SCRIPTS: dict[tuple[str, str], Callable[[Person], None]] = {
    ("permis-resultats-examen", "Vérification anti-robot"): _solves_the_captcha,
    ("permis-solde-points", "Code confidentiel"): _types_the_code,
    ("immatriculation-changement-etat-civil", "Connexion FranceConnect de l'usager"): _logs_in_with_franceconnect,
    ("immatriculation-changement-titulaire", "Connexion FranceConnect de l'usager"): _logs_in_with_franceconnect,
}
"""The manual steps other than a payment, by (démarche, step): a new one is not run until scripted here."""
