"""Replica of immatriculation.ants.gouv.fr (being written)."""

from __future__ import annotations

from flask import Blueprint

HOSTS = ("immatriculation.ants.gouv.fr",)

bp = Blueprint("ants_immatriculation", __name__)
