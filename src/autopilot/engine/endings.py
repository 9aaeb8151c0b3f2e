"""What the end of a run tells the mediator, whatever ended it: what is done on the site for good
(a payment, a sending) and what the site gave (timbre numbers, references, codes).

The terminal (`cli/run_command.py`) and the console (`ui/console.py`, `result.html`) say the same
words. A démarche stopped after the citizen paid never says only « rien d'autre n'a été envoyé »:
the payment is named, and the timbre's number is shown, so nothing paid is lost or paid twice
(issue 17).
"""

from __future__ import annotations

from autopilot.engine.runner import PAID, SENT, Outcome, RunResult
from autopilot.errors import Terminated
from autopilot.flows import Flow

_WHAT = {PAID: "le paiement", SENT: "l'envoi de la demande"}
KEEP_HINT = "Notez ce que le site a donné : ce qui est payé ou envoyé ne doit pas l'être une seconde fois."


def obtained(flow: Flow, result: RunResult) -> list[tuple[str, str]]:
    """(label, value) of every result the site gave, at any end, in the flow's order."""
    return [(spec.label, result.outputs[name]) for name, spec in flow.outputs.items() if name in result.outputs]


def done_on_site(result: RunResult) -> str | None:
    """« Déjà fait sur le site : le paiement (étape « Paiement du timbre »). », or None."""
    if not result.done:
        return None
    parts = [f"{_WHAT.get(kind, kind)} (étape « {title} »)" for kind, title in result.done]
    return "Déjà fait sur le site : " + " ; ".join(parts) + "."


def stopped_sentence(result: RunResult) -> str:
    """What is said of a run stopped before its end (by the mediator, a closed window, the system)."""
    where = f"Démarche interrompue à l'étape « {result.step} »"
    if isinstance(result.error, Terminated):
        where += " : autopilot a reçu l'ordre de s'arrêter."
    elif result.done:
        where += "."
    else:
        return where + " : rien d'autre n'a été envoyé."
    done = done_on_site(result)
    return f"{where} {done}" if done else where


def unfinished_lines(flow: Flow, result: RunResult) -> list[str]:
    """For a run that did not complete: what is done on the site and what it gave, one line each."""
    lines = []
    if result.outcome is not Outcome.STOPPED and (done := done_on_site(result)):
        lines.append(done)
    lines += [f"{label} : {value}" for label, value in obtained(flow, result)]
    if result.done and obtained(flow, result):
        lines.append(KEEP_HINT)
    return lines
