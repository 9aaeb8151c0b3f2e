"""Replica of the professionals' habilitation request on immatriculation.ants.gouv.fr (being written)."""

from __future__ import annotations

from flask import Blueprint

HOSTS = ("immatriculation.ants.gouv.fr",)

bp = Blueprint("ants_habilitation", __name__)
