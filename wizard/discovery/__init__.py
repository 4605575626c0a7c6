"""The helpdesk's quick check: from a user's address (or a domain) alone, find the deployment, then verify it.

Everything here is discoverable without credentials: DNS (autodiscover, the SIP SRV records, lyncdiscover,
the domain controllers' SRV record), Exchange's and Exchange Online's Autodiscover v2, OWA's version header,
and Microsoft 365's public tenant discovery. `lookups` asks, `decide` reads the answers into a scenario and
says where each value came from, `check` runs both and the verification.
"""
