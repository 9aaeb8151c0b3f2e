"""Reading the citizen's scanned documents: the MRZ of passports and identity cards, the 2D-Doc of bills.

A reading only proposes values (`proposals.Reading`); the console shows them with their source and
check, and the mediator accepts or corrects each before anything goes into the form.
"""

from autopilot.reading.proposals import Check, Proposal, Reading, ReadingFailed
from autopilot.reading.reader import read_document

__all__ = ["Check", "Proposal", "Reading", "ReadingFailed", "read_document"]
