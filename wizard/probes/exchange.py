"""Which Exchange is really there: OWA's X-OWA-Version header, mapped to the product, against the topology.

The commands differ by version (Set-ClientAccessServer on 2010/2013, Set-ClientAccessService from
2016; no server-to-server OAuth on 2010; no UM on 2019), so a wrong choice in the wizard gives
wrong scripts.
"""

from __future__ import annotations

from wizard.probes.base import BaseProbe, Finding, Net, failed, passed, skipped
from wizard.probes.context import ProbeContext
from wizard.probes.formats.exchange_build import is_exchange_se, product_for_build
from wizard.probes.result import Evidence
from wizard.scenario import Scenario
from wizard.topology import Phase


class ExchangeBuildProbe(BaseProbe):
    phase = Phase.PREREQUISITES

    def __init__(self, host: str) -> None:
        self.host = host
        self.id = f"prerequisites.exchange-build:{host}"
        self.title = f"Exchange on {host} is the version chosen"
        self.target = f"https://{host}/owa/"
        self.tags = ("exchange", f"host:{host}")

    def check(self, scenario: Scenario, ctx: ProbeContext) -> Finding:
        net = Net(ctx)
        response = net.http.fetch(self.target, follow_redirects=False)
        build = response.header("X-OWA-Version")
        if not build and response.status in (301, 302, 303, 307, 308):
            response = net.http.fetch(self.target)
            build = response.header("X-OWA-Version")
        if not build:
            return skipped(f"{self.target} does not expose X-OWA-Version (HTTP {response.status}); the build cannot "
                           "be read from outside. Get-ExchangeServer | Format-List Name,AdminDisplayVersion shows it.")
        product = product_for_build(build)
        edition = " (Exchange Server SE)" if is_exchange_se(build) else ""
        evidence = [Evidence("X-OWA-Version", build), Evidence("product", f"Exchange {product or 'unknown'}{edition}")]
        chosen = scenario.exchange_version
        if product is None:
            return skipped(f"X-OWA-Version {build} is not a build number this wizard knows.", *evidence)
        if product != chosen:
            return failed(f"{self.host} runs Exchange {product} (build {build}), but the scenario says Exchange "
                          f"{chosen}; the generated commands would be for the wrong version.",
                          f"Choose Exchange {product} on the Prerequisites page (--exchange-version {product}).",
                          *evidence)
        return passed(f"{self.host} runs Exchange {product} (build {build}), as chosen.", *evidence)
