"""The checks' network helpers."""

USER_AGENT = "sfb-exchange-wizard (verification probe)"  # how every probe names itself to a server or a proxy
