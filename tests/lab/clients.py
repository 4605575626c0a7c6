"""Clients for talking to the lab the way a probe would: its DNS server, then TLS to the address.

`LabAdapter` is a requests transport adapter that dials the address the lab's DNS returned for the
URL's host name, on the lab's port, while SNI, certificate verification and the Host header keep
the name, so TLS trust is checked for real against the lab CA.
"""

from __future__ import annotations

import socket
import ssl
from typing import Any

import dns.resolver
import requests
from requests.adapters import HTTPAdapter

from wizard.lab import Lab


def resolver(lab: Lab, *, lifetime: float = 2.0) -> dns.resolver.Resolver:
    res = dns.resolver.Resolver(configure=False)
    res.nameservers = ["127.0.0.1"]
    res.port = lab.dns.port
    res.lifetime = lifetime
    res.timeout = lifetime
    return res


def address_of(lab: Lab, host: str) -> str:
    return str(resolver(lab).resolve(host, "A")[0])


class LabAdapter(HTTPAdapter):
    def __init__(self, lab: Lab) -> None:
        self.lab = lab
        super().__init__(max_retries=0)

    def build_connection_pool_key_attributes(self, request: Any, verify: Any, cert: Any = None):
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        name = host_params["host"]
        host_params["host"] = address_of(self.lab, name)
        host_params["port"] = self.lab.https_port if host_params["port"] in (None, 443) else host_params["port"]
        pool_kwargs["server_hostname"] = name
        pool_kwargs["assert_hostname"] = name
        return host_params, pool_kwargs

    def send(self, request: Any, *args: Any, **kwargs: Any):
        request.headers.setdefault("Host", request.url.split("/")[2])
        return super().send(request, *args, **kwargs)


def session(lab: Lab) -> requests.Session:
    s = requests.Session()
    s.trust_env = False  # never the environment's proxies or CA bundle
    s.verify = lab.ca_pem_path
    s.mount("https://", LabAdapter(lab))
    return s


def get(lab: Lab, url: str, **kwargs: Any) -> requests.Response:
    with session(lab) as s:
        return s.get(url, timeout=5, allow_redirects=False, **kwargs)


def post(lab: Lab, url: str, **kwargs: Any) -> requests.Response:
    with session(lab) as s:
        return s.post(url, timeout=5, allow_redirects=False, **kwargs)


def handshake(address: str, port: int, server_name: str, *, ca_file: str | None) -> dict[str, Any]:
    """A TLS handshake; returns the peer certificate (verified against ca_file, or unverified if None)."""
    if ca_file:
        context = ssl.create_default_context(cafile=ca_file)
    else:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    with socket.create_connection((address, port), timeout=5) as raw, \
            context.wrap_socket(raw, server_hostname=server_name) as tls:
        return tls.getpeercert() if ca_file else {"der": tls.getpeercert(binary_form=True)}
