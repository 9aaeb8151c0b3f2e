"""Replica of timbres.impots.gouv.fr (being written)."""

from __future__ import annotations

from flask import Blueprint

HOSTS = ("timbres.impots.gouv.fr",)

bp = Blueprint("timbres_impots", __name__)
