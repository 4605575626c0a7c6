"""F1 help for each step, in our own words, from the five source documents (named under each text).

Presentation only: these explain why a step exists; the rules themselves live in the core.
"""

from __future__ import annotations

from wizard.policy import MIN_RSA_KEY_BITS, SFB_SERVICE_ID
from wizard.topology import Phase

START = "start"

_SOURCES = {
    "plan": "Microsoft: “Plan to integrate Skype for Business and Exchange” (feature support table)",
    "online": "Microsoft: “Configure Integration and OAuth between Skype for Business Online and Exchange Server”",
    "ex2013": "Microsoft: “Integrate Exchange Server 2013 with Lync Server 2013, Skype for Business Online, "
              "or a Lync Server 2013 hybrid deployment”",
    "prereq": "Microsoft: “Lync Server 2013: Prerequisites for integrating with Exchange Server 2013”",
    "field": "Jeff Schertz: “Exchange and Skype for Business Integration” (field guide and reader comments)",
}

HELP: dict[str, tuple[str, str, tuple[str, ...]]] = {
    START: (
        "What this wizard does",
        """<p>The wizard walks through pairing Lync / Skype for Business with Exchange, one step per page:
prerequisites, certificates, autodiscover, the SfB OAuth configuration, partner applications, the hybrid or
online part, and a final verification. Each page checks the live deployment and shows the exact PowerShell
for that step.</p>
<p>What works depends on where each product runs. Exchange 2010 has no server-to-server OAuth, so the
Unified Contact Store, archiving to Exchange and high-resolution photos need Exchange 2013 or later. With
Exchange on premises and Skype for Business Online, OWA presence, IM and meeting scheduling are not
available, and Exchange UM voice mail only exists with Exchange on premises (2019 removed it).</p>
<p>Choose <b>Set up</b> to get the commands for a new integration, or <b>Verify</b> to check an integration
(or a tenant) that already exists.</p>""",
        ("plan", "ex2013"),
    ),
    Phase.PREREQUISITES.value: (
        "Prerequisites",
        """<p>Both products must be fully installed and running before they can be paired. Lync / SfB finds
Exchange (and OWA finds the user's Lync server) through DNS, so the names used later must resolve: the
Exchange servers, the autodiscover name and each Front End pool.</p>
<p>With Skype for Business Online, directory synchronisation is required: Exchange reads the user's SIP
address from <code>proxyAddresses</code> (in the form <code>sip:user@contoso.com</code>) and Lync reads the
mail address from the <code>mail</code> attribute.</p>""",
        ("prereq", "ex2013"),
    ),
    Phase.CERTIFICATES.value: (
        "Server-to-server certificates",
        f"""<p>Exchange uses its self-signed <i>Microsoft Exchange Server Auth Certificate</i> for
server-to-server authentication. Lync / SfB may reuse any web server certificate as its OAuthTokenIssuer
certificate, provided that:</p>
<ol><li>the Subject contains the SIP domain,</li>
<li>the same certificate is the OAuthTokenIssuer on every Front End server, and</li>
<li>its key is at least {MIN_RSA_KEY_BITS} bits long.</li></ol>
<p>The certificates that protect the HTTPS endpoints (autodiscover, the pools' metadata) are a different
matter: they must come from a CA both sides trust. Self-signed certificates are not valid for this
integration; the classic symptom is “Could not establish trust relationship for the SSL/TLS secure
channel”.</p>""",
        ("plan", "prereq", "field"),
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
include the autodiscover name in its Subject Alternative Name.</p>""",
        ("prereq", "field"),
    ),
    Phase.OAUTH.value: (
        "SfB OAuth configuration",
        """<p>SfB is told where autodiscover is with
<code>Set-CsOAuthConfiguration -ExchangeAutodiscoverUrl</code>. This URL must end in
<b>autodiscover.svc</b> (the service), not <b>autodiscover.xml</b> (the file Exchange's own setting
points at). The two are easy to mix up when pasting from the previous step, and a wrong or empty value is
the usual cause of <code>Test-CsExStorageConnectivity</code> failing with <code>code=50043</code>; the
wizard corrects a pasted .xml URL for you.</p>
<p>There is only one, global, OAuth configuration, so <code>-Identity global</code> is optional. The OAuth
realm defaults to the default SIP domain.</p>""",
        ("plan", "prereq", "field"),
    ),
    Phase.PARTNER_APPLICATIONS.value: (
        "Partner applications",
        """<p>Each side trusts the other as a partner application through the other's authorization
metadata document:</p>
<ul><li>on Exchange, <code>Configure-EnterprisePartnerApplication.ps1</code> (in the Exchange Scripts
folder) with the pool's <code>https://&lt;pool&gt;/metadata/json/1</code> and
<code>-ApplicationType Lync</code>, then <code>iisreset</code>;</li>
<li>on SfB, <code>New-CsPartnerApplication -Identity Exchange -ApplicationTrustLevel Full -MetadataUrl
https://autodiscover.&lt;domain&gt;/autodiscover/metadata/json/1</code>.</li></ul>
<p>Open both URLs from the other server first: a document that starts with the x509 certificate and ends
with the realm means the path is right. A 404 means the path or the pool name is wrong; a trust error
means the certificate is not issued by a CA that server trusts. Copying the script line from a web page
can bring typographic quotes along; the generated commands here use plain quotes only.</p>""",
        ("field", "ex2013"),
    ),
    Phase.HYBRID.value: (
        "Hybrid / online",
        f"""<p>With Exchange on premises and Skype for Business Online, Exchange gets a partner application for
the Skype for Business Online service principal <code>{SFB_SERVICE_ID}</code> linked to a
hidden mail user (for example <code>SfBOnline-ApplicationAccount@&lt;verified domain&gt;</code>) that holds the
UserApplication and ArchiveApplication roles, created against one domain controller.</p>
<p>Exchange's OAuth certificate (<code>(Get-AuthConfig).CurrentCertificateThumbprint</code>) is then exported
and added as a credential of that service principal. The original instructions used the MSOnline module,
which is retired; the wizard writes the Microsoft Graph equivalent. Check afterwards that the key's start
and end dates match the Exchange OAuth certificate.</p>
<p>In a Lync / SfB Server hybrid, the on-premises servers must trust the Microsoft 365 authentication
service so that Exchange Online can connect.</p>""",
        ("online", "ex2013"),
    ),
    Phase.VERIFICATION.value: (
        "Verification",
        """<p>On a Front End, <code>Test-CsExStorageConnectivity -SipUri sip:user@contoso.com -Verbose</code>
should end in “Test Passed”. The usual failures:</p>
<ul><li><code>code=50043</code>: the ExchangeAutodiscoverUrl is empty, wrong, or points at .xml instead of
.svc;</li>
<li><code>code=5</code>: the account running the test lacks rights; add it to
<b>RTCUniversalUserAdmins</b>;</li>
<li>certificate validation or SSL/TLS trust errors: an HTTPS certificate is self-signed or from a CA the
other server does not trust.</li></ul>
<p>Paste any error text into the decoder on this page for its cause and fix. With Exchange on premises and
Skype for Business Online, check that conversation history from mobile clients appears in Outlook and that
archived chats land in the mailbox.</p>""",
        ("field", "online"),
    ),
}


def help_html(key: str) -> tuple[str, str]:
    """(title, HTML) for a step: "start" or a Phase value."""
    title, body, sources = HELP.get(key, HELP[START])
    cited = "".join(f"<li>{_SOURCES[s]}</li>" for s in sources)
    return title, f"{body}<hr><p><small>Based on:</small></p><ul><small>{cited}</small></ul>"
