"""Replica of www.service-public.fr (being written)."""

from __future__ import annotations

from flask import Blueprint

HOSTS = ("www.service-public.fr",)

bp = Blueprint("simulateur_cout", __name__)
