"""Replica of histovec.interieur.gouv.fr (being written)."""

from __future__ import annotations

from flask import Blueprint

HOSTS = ("histovec.interieur.gouv.fr",)

bp = Blueprint("histovec", __name__)
