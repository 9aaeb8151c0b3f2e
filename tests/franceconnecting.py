"""The citizen at the FranceConnect step: they log in themself, autopilot never sees it."""

from __future__ import annotations

import re

from paying import citizen_pays

from autopilot.engine.approver import ScriptedApprover, StepView

# The sandbox's fictitious citizen (sandbox/sites/franceconnect.py CITIZENS): public demo values.
FC_LOGIN = "camille.lefevre@exemple.fr"
FC_PASSWORD = "Camille-FC-2026!"
FC_IDENTITY = {"nom_naissance": "Lefèvre", "prenoms": "Camille Louise", "sexe": "F", "date_naissance": "14/07/1985",
               "commune_naissance": "Rennes"}
FC_BUTTON = re.compile("identifier avec FranceConnect")


def log_in_with_franceconnect(page, identifiant: str = FC_LOGIN, mot_de_passe: str = FC_PASSWORD,
                              provider: str = "impots.gouv.fr") -> None:
    """What the citizen does on the pages: the FranceConnect button, a provider, their own login."""
    body = page.locator("body")
    body.get_by_role("button", name=FC_BUTTON).click()
    body.get_by_role("link", name=provider, exact=True).click()
    body.get_by_label("Identifiant").fill(identifiant)
    body.get_by_label("Mot de passe").fill(mot_de_passe)
    body.get_by_role("button", name="Se connecter").click()


def citizen_at_the_desk(page) -> ScriptedApprover:
    """The citizen logs in with FranceConnect when handed the keyboard, and later pays by card."""
    pay = citizen_pays(page).human

    def act(view: StepView) -> None:
        if view.citizen:
            assert view.fields == () and view.gate is None
            log_in_with_franceconnect(page)
        else:
            pay(view)

    return ScriptedApprover(human=act)
