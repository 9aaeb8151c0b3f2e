"""Replica of permisdeconduire.ants.gouv.fr (being written)."""

from __future__ import annotations

from flask import Blueprint

HOSTS = ("permisdeconduire.ants.gouv.fr",)

bp = Blueprint("ants_permis", __name__)
