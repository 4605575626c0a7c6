"""A complete example scenario for any topology (Fabrikam's values): for step counts, tests and demos.

Every value a topology can use is filled in, so each builds its full playbook; the names are
Fabrikam's rather than the field guide's so that nothing passes only for jdskype.net.
"""

from __future__ import annotations

from wizard.scenario import Scenario
from wizard.topology import Topology

DOMAIN = "fabrikam.com"


def example_for(topology: Topology, *, mode: str = "setup") -> Scenario:
    """A valid scenario of this topology with two Exchange servers, two pools and two SIP domains."""
    scenario = Scenario()
    values: dict[str, str | list[str]] = {
        "mode": mode, "exchange": topology.exchange.value, "sfb": topology.sfb.value,
        "sip_domains": [DOMAIN, "fabrikam.net"], "smtp_domain": DOMAIN,
        "test_sip_uri": f"sip:adele@{DOMAIN}",
    }
    if topology.exchange_version is not None:
        values.update({"exchange_version": topology.exchange_version.value,
                       "exchange_fqdns": [f"ex01.{DOMAIN}", f"ex02.{DOMAIN}"],
                       "exchange_lb_fqdn": f"mail.{DOMAIN}"})
    if topology.sfb_version is not None:
        values.update({"sfb_version": topology.sfb_version.value,
                       "pool_fqdns": [f"pool01.{DOMAIN}", f"pool02.{DOMAIN}"], "sfb_site": "Redmond"})
    if topology.involves_tenant:
        values.update({"tenant_domain": "fabrikam.onmicrosoft.com",
                       "tenant_id": "6babcaad-604b-40ac-a9d7-9fd97c0b779f", "dc_fqdn": f"dc01.{DOMAIN}"})
    if topology.sfb_on_prem and topology.involves_tenant:
        values["pool_external_web_fqdns"] = [f"webext01.{DOMAIN}", f"webext02.{DOMAIN}"]
    problems = scenario.update(values)
    problems.update(scenario.errors())
    if problems:
        raise ValueError(f"the example for {topology.label} is invalid: {problems}")
    return scenario
