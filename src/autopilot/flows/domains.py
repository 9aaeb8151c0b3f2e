"""Where flows may go and where an account's secret may be typed (docs/adr/0013-trust-boundaries.md).

- A flow's `domains` lie within the State's domains (`STATE_DOMAINS` and their subdomains) or
  among the sites the mairie allows explicitly (`domaines_autorises:` in the settings file).
- A wildcard (`*.interieur.gouv.fr`) is allowed only over such a domain, and never in an account
  flow: an account flow names, one by one, the hosts its secret may be typed on.
- A secret (`secret: ants.mot_de_passe`) is typed only on the domains of its account's own flow
  (`flows/accounts/ants.yaml`): checked by `flows check` and again by the runner before typing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

STATE_DOMAINS = ("gouv.fr", "service-public.fr")
"""The State's own domains: `gouv.fr` (every ministry and agency) and `service-public.fr`, the
State's portal run by the DILA (docs/teleservices.md §9.2, the vehicle cost simulator)."""


def under(host: str, domain: str) -> bool:
    """Whether `host` is `domain` or one of its subdomains."""
    host, domain = host.lower(), domain.lower()
    return host == domain or host.endswith("." + domain)


@dataclass(frozen=True)
class Trust:
    """What a flow file is checked against: the mairie's extra sites and the accounts' domains."""

    allowed: tuple[str, ...] = ()  # the settings' `domaines_autorises`
    accounts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # account name → its flow's domains

    def known(self, domain: str) -> bool:
        """Whether a declared domain (wildcards included) lies within the State's or the allowed sites."""
        base = domain[2:] if domain.startswith("*.") else domain
        return any(under(base, root) for root in (*STATE_DOMAINS, *self.allowed))

    def with_accounts(self, accounts: Iterable[tuple[str, tuple[str, ...]]]) -> Trust:
        """The same, knowing these accounts' domains."""
        return Trust(self.allowed, {**self.accounts, **dict(accounts)})
