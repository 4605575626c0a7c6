"""Which Exchange is really there: OWA's X-OWA-Version header, mapped to the product and its update.

The commands differ by version (Set-ClientAccessServer on 2010/2013, Set-ClientAccessService from
2016; no server-to-server OAuth on 2010; no UM on 2019 and SE), so a wrong choice in the wizard
gives wrong scripts. Exchange SE runs the commands of 2019, so 2019 chosen for an SE server (or
the reverse) is a warning about the support label, not wrong scripts. Teams reaches on-premises
mailboxes only from Exchange 2016 CU3 (Microsoft support, "Resolve interaction issues between
Teams and Exchange Server").
"""

from __future__ import annotations

from wizard import where_to
from wizard.lifecycle import EXCHANGE_SUPPORT, today
from wizard.probes.base import BaseProbe, Finding, Net, failed, passed, skipped, warned
from wizard.probes.context import ProbeContext
from wizard.probes.formats.exchange_build import Build, at_least, parse_build
from wizard.probes.result import Evidence
from wizard.scenario import Scenario
from wizard.topology import ExchangeVersion, Phase

SAME_COMMANDS = {ExchangeVersion.V2019, ExchangeVersion.SE}
EXCHANGE_2016_CU3 = 544  # 15.1.544.27
TEAMS_SOURCE = "Microsoft support: Resolve interaction issues between Teams and Exchange Server"


def _choice(version: str) -> str:
    return f"Choose {EXCHANGE_SUPPORT[ExchangeVersion(version)].product}: {where_to.give('exchange_version', version)}."


def judge_build(build: Build, host: str, scenario: Scenario) -> Finding:
    """The build against the chosen version, its support status and what Teams needs."""
    topology = scenario.topology_or_default
    found = build.version
    support = EXCHANGE_SUPPORT[found]
    evidence = [Evidence("X-OWA-Version", build.text), Evidence("product", build.describe()),
                Evidence("support", support.sentence(today()))]
    chosen = topology.exchange_version
    if chosen is not None and found is not chosen:
        if {found, chosen} <= SAME_COMMANDS:
            return warned(f"{host} runs {build.describe()}, but the scenario says "
                          f"{EXCHANGE_SUPPORT[chosen].product}. The commands are the same; only the support "
                          "labels in the runbook and the summary would be wrong.", _choice(found.value), *evidence)
        return failed(f"{host} runs {build.describe()}, but the scenario says "
                      f"{EXCHANGE_SUPPORT[chosen].product}; the generated commands would be for the wrong version.",
                      _choice(found.value), *evidence)
    if topology.teams_users and found is ExchangeVersion.V2016 and not at_least(build, found, EXCHANGE_2016_CU3):
        return warned(f"{build.describe()} is older than Exchange 2016 CU3: Teams cannot use the calendar of "
                      f"mailboxes on it ({TEAMS_SOURCE}).", "Install the latest cumulative update.", *evidence)
    ended = support.ended(today())
    detail = f"{host} runs {build.describe()}, as chosen."
    if ended and support.end is not None:
        detail += f" It is out of support since {support.end.day} {support.end:%B %Y}."
    return passed(detail, *evidence)


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
        header = response.header("X-OWA-Version")
        if not header and response.status in (301, 302, 303, 307, 308):
            response = net.http.fetch(self.target)
            header = response.header("X-OWA-Version")
        if not header:
            return skipped(f"{self.target} does not expose X-OWA-Version (HTTP {response.status}); the build cannot "
                           "be read from outside. Get-ExchangeServer | Format-List Name,AdminDisplayVersion shows it.")
        build = parse_build(header)
        if build is None:
            return skipped(f"X-OWA-Version {header} is not a build number this wizard knows.",
                           Evidence("X-OWA-Version", header))
        return judge_build(build, self.host, scenario)
