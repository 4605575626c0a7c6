"""SfB Server with mailboxes in Exchange Online: the storage test for a cloud mailbox and its code=50043 case.

In an Exchange hybrid the on-premises mailboxes pass Test-CsExStorageConnectivity through the
Exchange partner application, while the Exchange Online ones need the tenant's trust as well
(microsoft.sts, microsoft.exchange with -UseOAuthServer, the OAuthTokenIssuer key on 00000004).
The field guide's readers report exactly the split "cloud mailboxes fail with 50043, on-premises
ones pass"; no Microsoft text explains the code, and the note says so.
"""

from __future__ import annotations

from wizard.playbook import sources
from wizard.playbook.commands import Expr, ex_storage_connectivity
from wizard.playbook.step import Shell, Step
from wizard.playbook.wellknown import SFB_SERVICE_ID
from wizard.topology import Phase

PHASE = Phase.HYBRID

CLOUD_MAILBOX_50043_NOTE = (
    "Exchange Online mailboxes failing with code=50043 while on-premises ones pass: readers of Jeff Schertz's "
    "\"Exchange and Skype for Business Integration\" (2015) report exactly this after an in-place upgrade to "
    "Skype for Business Server; the fix one of them reports is uploading the OAuthTokenIssuer certificate to the "
    f"tenant (the {SFB_SERVICE_ID} step of this phase), and the author adds that if the features work and only "
    "the test cmdlet fails, it can be left. No Microsoft document explains code=50043. What Microsoft's hybrid "
    "procedure does say is what an Exchange Online mailbox needs beyond an on-premises one: microsoft.sts, "
    f"microsoft.exchange with -UseOAuthServer, the OAuthTokenIssuer key on {SFB_SERVICE_ID} and the pool's "
    "external web services name as its service principal name; check those before anything else.")

_PROMPT = "(Read-Host -Prompt 'SIP address of a user whose mailbox is in Exchange Online (sip:user@domain)')"


def exchange_online_mailbox_test() -> Step:
    """Test-CsExStorageConnectivity for a user whose mailbox is in Exchange Online (the hybrid's other half)."""
    return Step(
        id="hybrid.exchange-online-mailbox-test",
        phase=PHASE,
        title="Test Skype for Business Server's access to a mailbox in Exchange Online",
        why="In an Exchange hybrid an on-premises mailbox can pass the storage test while an Exchange Online one "
            "fails, because only the cloud mailbox needs the tenant's trust set up in this phase. Test one user "
            "from each side.",
        shell=Shell.SFB,
        command=ex_storage_connectivity(Expr(_PROMPT)),
        check="The cmdlet ends with 'Test passed' for the Exchange Online user too; the verification phase tests "
              "the scenario's test user.",
        note="The test writes an item to the mailbox's Conversation History folder; -DeleteItem deletes it again "
             "at the end of the test, so the mailbox is left as it was. "
             + CLOUD_MAILBOX_50043_NOTE + " Exchange Online mailboxes are found through the on-premises "
             "autodiscover's redirect, so ExchangeAutodiscoverUrl stays on premises.",
        source=f"{sources.FIELD_GUIDE_READERS}; {sources.SFB_HYBRID_S2S}; {sources.EXSTORAGE_HELP}",
        read_only=True,
    )
