"""The sandbox's public demo account, alone: what a client of the sandbox needs, without its server."""

# Public demo values, shown on the training home page: this account exists only in the sandbox.
DEMO_ACCOUNT = {"identifiant": "mairie.demo@ants.bac-a-sable.fr", "mot_de_passe": "Formation-2026!"}
