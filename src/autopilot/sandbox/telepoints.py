"""Replica of tele7.interieur.gouv.fr (being written)."""

from __future__ import annotations

from flask import Blueprint

HOSTS = ("tele7.interieur.gouv.fr",)

bp = Blueprint("telepoints", __name__)
