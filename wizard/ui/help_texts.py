"""F1 help for each step, in our own words, from the public documents named under each text.

Presentation only: these explain why a step exists; the rules themselves live in the core. The
documents are cited by their titles (and addresses) from wizard.playbook.sources, the same
citations the runbook and the scripts carry; the dates come from wizard.lifecycle and
wizard.ews_retirement. Imported with the help window (first F1), never before the first window.
"""

from __future__ import annotations

from wizard import ews_retirement, lifecycle
from wizard.playbook import sources
from wizard.policy import CLOUD_VOICEMAIL_APP_ID, MIN_RSA_KEY_BITS, SFB_SERVICE_ID, TEAMS_SCHEDULER_APP_ID
from wizard.topology import Phase
from wizard.ui.choice_labels import long_date

START = "start"

_SOURCES = {
    "plan": sources.PLAN_INTEGRATION,
    "teams": sources.TEAMS_2025,
    "teams-before": sources.SFB_ONLINE_EXCHANGE_OAUTH_2022,
    "teams-exchange": f"{sources.TEAMS_EXCHANGE_INTERACT}; {sources.TEAMS_EXCHANGE_TROUBLESHOOT}",
    "ex2013": sources.EXCHANGE_2013_INTEGRATION_KB,
    "prereq": sources.LYNC_2013_PREREQUISITES,
    "field": sources.FIELD_GUIDE,
    "readers": sources.FIELD_GUIDE_READERS,
    "s2s-cert": sources.S2S_CERT,
    "partner-apps": sources.PARTNER_APPS,
    "exchange-oauth": sources.EXCHANGE_HYBRID_OAUTH,
    "hybrid-app": sources.DEDICATED_EXCHANGE_HYBRID_APP,
    "sfb-hybrid": sources.SFB_HYBRID_S2S,
    "msonline": sources.MSONLINE_RETIRED,
    "lifecycle": lifecycle.LIFECYCLE_SOURCE,
    "sfb-online": lifecycle.SFB_ONLINE_SOURCE,
    "ews": ews_retirement.RETIREMENT_SOURCE,
    "exstorage": sources.EXSTORAGE_HELP,
}

_SFB_ONLINE_RETIRED = long_date(lifecycle.SFB_ONLINE_RETIRED)
_EWS_DEFAULT_OFF = long_date(ews_retirement.DEFAULT_OFF)
_EWS_ALL_OFF = long_date(ews_retirement.ALL_OFF)

HELP: dict[str, tuple[str, str, tuple[str, ...]]] = {
    START: (
        "What this wizard does",
        f"""<p>The wizard walks through wiring Lync / Skype for Business Server or Microsoft Teams to Exchange,
one step per page: prerequisites, certificates, autodiscover, the SfB OAuth configuration, partner
applications, the Microsoft 365 part, and a final verification. Each page checks the live deployment and
shows the exact PowerShell for that step; only the steps your topology needs are shown.</p>
<p>Where each product runs decides what works. <b>Exchange</b>: every mailbox on Exchange Server, an
Exchange hybrid (mailboxes on Exchange Server and in Exchange Online), or every mailbox in Exchange Online.
<b>Skype for Business / Teams</b>: Lync / SfB Server only, SfB Server with Microsoft Teams (a hybrid: users
on premises and TeamsOnly users online), or Teams only. Skype for Business Online was retired on
{_SFB_ONLINE_RETIRED}; a scenario saved with it opens as Teams.</p>
<p>The Subscription Editions (SE) of Exchange Server and SfB Server are the supported versions; older
versions are still handled, and the start page shows the date their support ended. Exchange 2010 has no
server-to-server OAuth, so the Unified Contact Store, archiving to Exchange and high-resolution photos need
Exchange 2013 or later. Exchange 2019 and SE have no Unified Messaging: voice mail comes from Cloud
Voicemail, which needs a SfB hybrid with Teams.</p>
<p>Exchange Online retires EWS: off from {_EWS_DEFAULT_OFF} in tenants that left it unset, off for every
tenant from {_EWS_ALL_OFF} (dates from summaries of Microsoft's announcements). The feature list on the start
page says which of your topology's features reach Exchange Online mailboxes through EWS.</p>
<p>Choose <b>Set up</b> to get the commands for a new integration, or <b>Verify</b> to check an integration
(or a tenant) that already exists.</p>""",
        ("plan", "teams-exchange", "lifecycle", "sfb-online", "ews"),
    ),
    Phase.PREREQUISITES.value: (
        "Prerequisites",
        """<p>Both products must be fully installed and running before they can be paired. Lync / SfB finds
Exchange (and OWA finds the user's Lync server) through DNS, so the names used later must resolve: the
Exchange servers, the autodiscover name and each Front End pool.</p>
<p>Wherever Microsoft 365 is involved, directory synchronisation is required: Exchange reads the user's SIP
address from <code>proxyAddresses</code> (in the form <code>sip:user@contoso.com</code>) and Lync reads the
mail address from the <code>mail</code> attribute. For Teams with mailboxes on Exchange Server, Exchange
Online's Autodiscover v2 must lead to your Exchange Server's external EWS URL, reachable from the internet
without pre-authentication.</p>""",
        ("prereq", "ex2013", "teams-exchange"),
    ),
    Phase.CERTIFICATES.value: (
        "Server-to-server certificates",
        f"""<p>Exchange uses its self-signed <i>Microsoft Exchange Server Auth Certificate</i> for
server-to-server authentication. Lync / SfB may reuse any web server certificate as its OAuthTokenIssuer
certificate, provided that:</p>
<ol><li>the Subject contains the SIP domain,</li>
<li>the same certificate is the OAuthTokenIssuer on every Front End server, and</li>
<li>its key is at least {MIN_RSA_KEY_BITS} bits long.</li></ol>
<p>The certificates that protect the HTTPS endpoints (autodiscover, the pools' metadata, EWS) are a
different matter: they must come from a CA both sides trust. Self-signed certificates are not valid for
this integration; the classic symptom is “Could not establish trust relationship for the SSL/TLS secure
channel”.</p>""",
        ("plan", "s2s-cert", "prereq", "field"),
    ),
    Phase.AUTODISCOVER.value: (
        "Autodiscover",
        """<p>Lync / SfB locates Exchange through autodiscover, so it must work before anything else.
Exchange's <code>AutoDiscoverServiceInternalUri</code> (see <code>Get-ClientAccessServer</code>, or
<code>Get-ClientAccessService</code> on 2016 and later) should use the well-known name, for example
<code>https://autodiscover.contoso.com/autodiscover/autodiscover.xml</code>; run <code>iisreset</code>
after changing it.</p>
<p>DNS needs the autodiscover name (a CNAME or A record pointing at Exchange) and the SRV record
<code>_autodiscover._tcp.&lt;domain&gt;</code> on port 443. The Exchange certificate bound to IIS must
include the autodiscover name in its Subject Alternative Name. In an Exchange hybrid the autodiscover
record keeps pointing at Exchange Server.</p>""",
        ("prereq", "field"),
    ),
    Phase.OAUTH.value: (
        "SfB OAuth configuration",
        """<p>SfB is told where autodiscover is with
<code>Set-CsOAuthConfiguration -ExchangeAutodiscoverUrl</code>. This URL must end in
<b>autodiscover.svc</b> (the service), not <b>autodiscover.xml</b> (the file Exchange's own setting
points at). The two are easy to mix up when pasting from the previous step; the wizard corrects a pasted
.xml URL for you. No Microsoft document explains <code>Test-CsExStorageConnectivity</code>'s
<code>code=50043</code>; readers of Jeff Schertz's “Exchange and Skype for Business Integration” (2015)
tie it to a wrong or empty ExchangeAutodiscoverUrl.</p>
<p>There is only one, global, OAuth configuration, so <code>-Identity global</code> is optional. The OAuth
realm defaults to the default SIP domain.</p>""",
        ("plan", "prereq", "readers"),
    ),
    Phase.PARTNER_APPLICATIONS.value: (
        "Partner applications",
        """<p>Each side trusts the other as a partner application through the other's authorization
metadata document:</p>
<ul><li>on Exchange, <code>Configure-EnterprisePartnerApplication.ps1</code> (in the Exchange Scripts
folder) with the pool's <code>https://&lt;pool&gt;/metadata/json/1</code> and
<code>-ApplicationType Lync</code>, then <code>iisreset</code>;</li>
<li>on SfB, <code>New-CsPartnerApplication -Identity Exchange -ApplicationTrustLevel Full -MetadataUrl
https://autodiscover.&lt;domain&gt;/autodiscover/metadata/json/1</code>; where SfB Server is in a hybrid,
Exchange is trusted through the Microsoft 365 authorization server instead
(<code>-UseOAuthServer</code>).</li></ul>
<p>Open both URLs from the other server first: a document that starts with the x509 certificate and ends
with the realm means the path is right. A 404 means the path or the pool name is wrong; a trust error
means the certificate is not issued by a CA that server trusts. Copying the script line from a web page
can bring typographic quotes along; the generated commands here use plain quotes only.</p>""",
        ("partner-apps", "field", "ex2013"),
    ),
    Phase.HYBRID.value: (
        "Hybrid / online",
        f"""<p><b>Teams with mailboxes on Exchange Server.</b> Microsoft's June 2025 procedure replaced the
one for the retired Skype for Business Online: Exchange gets a hidden application account for the Teams
Calendar Scheduler (a role that keeps only <code>GetDelegate</code>), partner applications for the Teams
Scheduler (<code>{TEAMS_SCHEDULER_APP_ID}</code>) and Cloud Voicemail (<code>{CLOUD_VOICEMAIL_APP_ID}</code>),
and Exchange's OAuth certificate (<code>(Get-AuthConfig).CurrentCertificateThumbprint</code>) becomes a key
credential of those two service principals and of the legacy Skype for Business Online one
(<code>{SFB_SERVICE_ID}</code>). Keep the legacy partner application until Microsoft says it can go: out of
office voicemail greetings still depend on it. Check afterwards that each key's start and end dates match
the certificate.</p>
<p>The keys are written with Microsoft Graph PowerShell: the MSOnline module the earlier instructions used
stopped working in 2025.</p>
<p><b>Exchange hybrid.</b> OAuth between Exchange Server and Exchange Online, and the dedicated Exchange
hybrid application (the Hybrid Configuration Wizard or <code>ConfigureExchangeHybridApplication.ps1</code>):
EWS through the shared Exchange Online service principal is blocked since the end of October 2025.</p>
<p><b>SfB Server hybrid.</b> The on-premises servers trust the Microsoft 365 authorization server, so that
Exchange Online and Teams can reach them, and Exchange on premises is trusted through it.</p>""",
        ("teams", "teams-before", "exchange-oauth", "hybrid-app", "sfb-hybrid", "msonline"),
    ),
    Phase.VERIFICATION.value: (
        "Verification",
        """<p>On a Front End, <code>Test-CsExStorageConnectivity -SipUri sip:user@contoso.com -Verbose</code>
should end in “Test Passed”. The usual failures:</p>
<ul><li><code>code=50043</code>: no Microsoft document explains it; readers of Jeff Schertz's “Exchange and
Skype for Business Integration” (2015) tie it to an
empty or wrong ExchangeAutodiscoverUrl (.xml instead of .svc). They also report Exchange Online mailboxes
failing with it while on-premises ones pass: only a cloud mailbox needs the tenant's trust (microsoft.sts,
microsoft.exchange with <code>-UseOAuthServer</code>, the OAuthTokenIssuer key in the tenant), so test one
user from each side of an Exchange hybrid;</li>
<li><code>code=5</code>: the account running the test lacks rights; add it to
<b>RTCUniversalUserAdmins</b>;</li>
<li>certificate validation or SSL/TLS trust errors: an HTTPS certificate is self-signed or from a CA the
other server does not trust.</li></ul>
<p>Paste any error text into the decoder on this page for its cause and fix. With Teams and mailboxes on
Exchange Server, check the Teams calendar of a user with an on-premises mailbox, that a Cloud Voicemail
message reaches the mailbox, and that archived chats land in it.</p>""",
        ("readers", "sfb-hybrid", "exstorage", "teams", "teams-exchange"),
    ),
}


def help_html(key: str) -> tuple[str, str]:
    """(title, HTML) for a step: "start" or a Phase value."""
    from html import escape

    title, body, cited_keys = HELP.get(key, HELP[START])
    cited = "".join(f"<li>{escape(_SOURCES[s])}</li>" for s in cited_keys)
    return title, f"{body}<hr><p><small>Based on:</small></p><ul><small>{cited}</small></ul>"
