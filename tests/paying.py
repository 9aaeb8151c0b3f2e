"""The citizen at the payment page: they type their own card, autopilot never does."""

from __future__ import annotations

import re

from autopilot.engine.approver import ScriptedApprover

TEST_CARD = "4111 1111 1111 1111"  # the sandbox's test card (Luhn-valid, never a real one)
PAY_BUTTON = re.compile(r"^(Payer [\d\s,]+ €|Valider)$")
"""« Payer 86 € », « Payer 253,76 € »: the amount as the page shows it; « Valider » on the timbres' card pages."""


def citizen_pays(page) -> ScriptedApprover:
    """The citizen, not autopilot, types the card on the payment page."""

    def pay(view):
        assert view.gate == "payment" and view.fields == ()
        body = page.locator("body")
        body.get_by_label("Numéro de carte").fill(TEST_CARD)
        body.get_by_label("Date d'expiration (MM/AA)").fill("12/30")
        body.get_by_label("Cryptogramme visuel").fill("123")
        body.get_by_role("button", name=PAY_BUTTON).click()

    return ScriptedApprover(human=pay)


def assert_card_not_kept(kept: object, *, cryptogramme: str = "123") -> None:
    """Neither the card number (whole, with or without spaces) nor its cryptogramme is in `kept`.

    The whole number, never a fragment, and the cryptogramme only as a value of its own: random
    timbre and dossier numbers may hold "4111" or "123" by chance.
    """
    text = str(kept)
    for secret in (TEST_CARD, TEST_CARD.replace(" ", "")):
        assert secret not in text, secret
    assert not re.search(rf"(?<![\w-]){cryptogramme}(?![\w-])", text), cryptogramme
