"""Replica of www.securite-routiere.gouv.fr (being written)."""

from __future__ import annotations

from flask import Blueprint

HOSTS = ("www.securite-routiere.gouv.fr",)

bp = Blueprint("resultats_permis", __name__)
