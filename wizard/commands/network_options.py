"""The network flags shared by `verify` and `analyze --live`: one parser, one validation."""

from __future__ import annotations

import argparse
import dataclasses
import ssl
from typing import Any

from wizard.cli import UsageError
from wizard.probes.context import ProbeSettings
from wizard.probes.net.proxy import InvalidProxyError, parse_proxy_url
from wizard.validation import InvalidValue, host_port


def add_network_arguments(group: Any, *, lab_ports: bool = True, accept_untrusted: bool = True) -> None:
    """Add --nameserver, --ca-bundle, --https-port and --sip-port (labs), --timeout, --budget, --proxy,
    --no-system-proxy and --accept-untrusted."""
    group.add_argument("--nameserver", metavar="HOST[:PORT]",
                       help="ask this DNS server instead of the system resolver (compare internal and external views)")
    group.add_argument("--ca-bundle", metavar="FILE", help="PEM file of extra CA certificates to trust")
    group.add_argument("--https-port", type=int, metavar="N", help="labs only: use port N instead of 443")
    if lab_ports:
        group.add_argument("--sip-port", type=int, metavar="N", help="labs only: use port N instead of 5061")
    group.add_argument("--timeout", type=float, metavar="S",
                       help="deadline in seconds for each network operation: connect, TLS handshake, request, "
                            "headers and body together (default 10)")
    group.add_argument("--budget", type=float, metavar="S",
                       help="seconds for the whole run (default 120); checks not finished by then are reported "
                            "as not checked")
    group.add_argument("--proxy", metavar="URL",
                       help="reach Microsoft 365 (sign-in, tenant discovery, Exchange Online, Teams) through this HTTP "
                            "proxy, http://[USER:PASSWORD@]HOST:PORT; your own servers are always reached directly "
                            "(default: this PC's proxy settings)")
    group.add_argument("--no-system-proxy", action="store_true",
                       help="reach Microsoft 365 directly, not through this PC's proxy settings")
    if accept_untrusted:
        group.add_argument("--accept-untrusted", action="store_true",
                           help="read answers from servers whose certificate is not trusted (reported as warnings)")


def settings_from_args(args: argparse.Namespace, base: ProbeSettings | None = None) -> ProbeSettings:
    """ProbeSettings from the flags (on top of `base`, e.g. the lab's); bad values raise UsageError."""
    changes: dict[str, Any] = {}
    if args.nameserver:
        try:
            changes["nameserver"] = host_port(args.nameserver, default_port=53)
        except InvalidValue as exc:
            raise UsageError(f"--nameserver: {exc}") from None
    if args.ca_bundle:
        try:
            ssl.create_default_context(cafile=args.ca_bundle)
        except (OSError, ssl.SSLError) as exc:
            raise UsageError(f"--ca-bundle: cannot load {args.ca_bundle} as PEM certificates ({exc})") from None
        changes["ca_bundle"] = args.ca_bundle
    for flag in ("https_port", "sip_port"):
        value = getattr(args, flag, None)
        if value is not None:
            if not 0 < value < 65536:
                raise UsageError(f"--{flag.replace('_', '-')}: a port is between 1 and 65535")
            changes[flag] = value
    if args.timeout is not None:
        if not 0 < args.timeout <= 600:
            raise UsageError("--timeout: give seconds between 0 and 600")
        changes["http_timeout"] = args.timeout
        changes["dns_timeout"] = min(3.0, args.timeout)
    if args.budget is not None:
        if not 0 < args.budget <= 3600:
            raise UsageError("--budget: give seconds between 0 and 3600")
        changes["budget"] = args.budget
    proxy = getattr(args, "proxy", None)
    if proxy is not None:
        if getattr(args, "no_system_proxy", False):
            raise UsageError("--proxy and --no-system-proxy: give one (--proxy already replaces this PC's settings)")
        try:
            parse_proxy_url(proxy)
        except InvalidProxyError as exc:
            raise UsageError(f"--proxy: {exc}") from None
        changes["proxy"] = proxy
    if getattr(args, "no_system_proxy", False):
        changes["system_proxy"] = False
    if getattr(args, "accept_untrusted", False):
        changes["accept_untrusted"] = True
    return dataclasses.replace(base or ProbeSettings(), **changes)
