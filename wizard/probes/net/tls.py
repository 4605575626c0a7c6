"""Trust and TLS handshakes: the OS store (truststore) plus an optional extra CA bundle, set explicitly.

Trust never comes from REQUESTS_CA_BUNDLE or SSL_CERT_FILE through requests; verification is never
switched off silently. Where the admin explicitly accepts untrusted servers the probe still learns
why the chain failed and reports a warning.
"""

from __future__ import annotations

import os
import re
import ssl
import sys
from dataclasses import dataclass

import truststore

from wizard.probes.context import ProbeContext
from wizard.probes.deadlines import Stage
from wizard.probes.formats.certificate import facts_from_der
from wizard.probes.net import sockets
from wizard.probes.net.errors import (
    CertificateLoadError,
    NetError,
    TlsError,
    TlsNameError,
    TlsTooLargeError,
    TlsTrustError,
    TlsVersionError,
    WaitTimeoutError,
)

# OpenSSL X509_V_ERR_* codes that matter for the messages.
_EXPIRED = 10
_NOT_YET_VALID = 9
_SELF_SIGNED_LEAF = 18
_SELF_SIGNED_IN_CHAIN = 19
_HOSTNAME_MISMATCH = 62
MAX_BUNDLE = 4 * 1024 * 1024
PLATFORM_VERIFIERS = ("win32", "darwin")  # where truststore asks the OS, not OpenSSL
# Where distributions keep the system CA file when OpenSSL's own default does not exist.
SYSTEM_CA_FILES = ("/etc/ssl/cert.pem", "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", "/etc/pki/tls/cert.pem",
                   "/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/ca-bundle.pem")
_HASHED = re.compile(r"^[0-9a-fA-F]{8}\.[0-9]$")
# OpenSSL reasons meaning "no protocol version in common" (WRONG_VERSION_NUMBER is not one of them:
# that is what a server that does not speak TLS at all, plain HTTP say, produces).
VERSION_REASONS = frozenset({"UNSUPPORTED_PROTOCOL", "TLSV1_ALERT_PROTOCOL_VERSION", "NO_PROTOCOLS_AVAILABLE",
                             "VERSION_TOO_LOW", "TLSV1_ALERT_INSUFFICIENT_SECURITY"})
TOO_LARGE_REASONS = frozenset({"EXCESSIVE_MESSAGE_SIZE"})
CLIENT_CERT_LIST_LIMIT = 100 * 1024  # OpenSSL's default ceiling on the certificate list a client accepts
LEGACY_VERSIONS = {"TLSv1": "TLS 1.0", "TLSv1.1": "TLS 1.1", "SSLv3": "SSL 3.0"}


def trust_context(ctx: ProbeContext) -> ssl.SSLContext:
    """A verifying client context: the OS store plus the run's extra CA bundle.

    Windows and macOS: truststore, so the platform verifier (and the enterprise CAs in the Windows
    store) decides; one context per connection, because truststore holds a per-context lock for the
    whole handshake and a shared one would queue every handshake behind the slowest (or a stuck) server.
    Elsewhere truststore is OpenSSL with the system CA file, which it re-reads on every handshake
    (about 0.1 s of CPU each); the same trust is loaded once per run into a shared stdlib context.
    """
    extra = ctx.memo(("tls", "ca-bundle"), lambda: _read_bundle(ctx.settings.ca_bundle))
    if sys.platform in PLATFORM_VERIFIERS:
        context = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        if extra:
            context.load_verify_locations(cadata=extra)
        return context  # truststore.SSLContext is an ssl.SSLContext
    return ctx.memo(("tls", "openssl-trust"), lambda: _openssl_system_context(extra))


def _openssl_system_context(extra: str) -> ssl.SSLContext:
    """What truststore does on Linux/BSD, done once: the default verify paths, else a known CA file."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    defaults = ssl.get_default_verify_paths()
    capath_has_certs = bool(defaults.capath) and os.path.isdir(defaults.capath) and any(
        _HASHED.match(name) for name in os.listdir(defaults.capath))
    if defaults.cafile or capath_has_certs:
        context.set_default_verify_paths()
    else:
        for candidate in SYSTEM_CA_FILES:
            if os.path.isfile(candidate):
                context.load_verify_locations(cafile=candidate)
                break
    if extra:
        context.load_verify_locations(cadata=extra)
    return context


def inspect_context() -> ssl.SSLContext:
    """A context that completes any handshake so the presented certificate can be examined.

    It never carries application data except when the admin explicitly accepted untrusted servers.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def legacy_context() -> ssl.SSLContext:
    """A context that also speaks TLS 1.0/1.1 with old ciphers, only to name what a refusing server offers.

    MINIMUM_SUPPORTED (not the deprecated TLSVersion.TLSv1) and security level 0, which OpenSSL 3
    needs before it signs a TLS 1.0/1.1 handshake; never used to carry application data.
    """
    context = inspect_context()
    context.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
    context.set_ciphers("DEFAULT:@SECLEVEL=0")
    return context


def _read_bundle(ca_bundle: str | None) -> str:
    """The extra CA certificates as PEM text, checked once per run."""
    if not ca_bundle:
        return ""
    try:
        with open(ca_bundle, encoding="ascii", errors="replace") as handle:
            text = handle.read(MAX_BUNDLE + 1)
        if len(text) > MAX_BUNDLE:
            raise CertificateLoadError(f"the CA bundle {ca_bundle} is larger than 4 MiB", target=ca_bundle)
        ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).load_verify_locations(cadata=text)
    except (OSError, ssl.SSLError, ValueError) as exc:
        raise CertificateLoadError(f"cannot load the extra CA bundle {ca_bundle}: {exc}", target=ca_bundle) from None
    return text


def trust_error(exc: BaseException, host: str, port: int) -> TlsError | None:
    """Turn a certificate verification failure (anywhere in an exception chain) into a typed error."""
    verify = _find(exc, ssl.SSLCertVerificationError)
    if verify is None:
        text = _chain_text(exc)
        if "CERTIFICATE_VERIFY_FAILED" not in text and "certificate verify failed" not in text.lower():
            return None
        code, message = None, text
    else:
        code, message = getattr(verify, "verify_code", None), getattr(verify, "verify_message", "") or str(verify)
    where = f"{host}:{port}"
    lowered = (message or "").lower()
    if code == _HOSTNAME_MISMATCH or "hostname mismatch" in lowered or "doesn't match" in lowered:
        return TlsNameError(f"the certificate presented by {where} is not valid for the name {host} "
                            f"({message})", target=where)
    if code == _EXPIRED or "expired" in lowered:
        reason = "expired"
    elif code == _NOT_YET_VALID or "not yet valid" in lowered:
        reason = "not-yet-valid"
    elif code in (_SELF_SIGNED_LEAF, _SELF_SIGNED_IN_CHAIN) or "self-signed" in lowered or "self signed" in lowered:
        reason = "self-signed"
    else:
        reason = "untrusted"
    return TlsTrustError(f"the certificate chain presented by {where} is not trusted by this machine "
                         f"({message}); Windows reports this as 'Could not establish trust relationship "
                         "for the SSL/TLS secure channel'", target=where, reason=reason)


def classify(exc: BaseException, host: str, port: int) -> TlsError:
    """Any TLS handshake failure as a typed error in plain words, from the exception alone (no network)."""
    typed = trust_error(exc, host, port)
    if typed is not None:
        return typed
    where = f"{host}:{port}"
    reason = _ssl_reason(exc)
    if reason in VERSION_REASONS:
        return TlsVersionError(f"{where} and this machine have no TLS version in common: it refused TLS 1.2 and "
                               "1.3, which current Windows, Exchange, Skype for Business and Teams clients require "
                               "(a server that still offers only TLS 1.0/1.1?)", target=where)
    if reason in TOO_LARGE_REASONS:
        return TlsTooLargeError(f"{where} sent a certificate list larger than {CLIENT_CERT_LIST_LIMIT // 1024} kB, "
                                "more than TLS clients accept, so the handshake was refused (a certificate with "
                                "thousands of names, or a chain padded with unneeded certificates)", target=where)
    words = reason.replace("_", " ").lower() if reason else _plain(exc)
    return TlsError(f"the TLS handshake with {where} failed ({words})", target=where)


def explain(ctx: ProbeContext, exc: BaseException, host: str, address: str, port: int) -> TlsError:
    """`classify`, then what a second look at the server adds: the version it does offer, the validity dates.

    Used where a fetch failed in its handshake; the second look is the run's memoized handshake with
    that address (or a permissive one for versions), so it costs one connection per server and run.
    """
    typed = classify(exc, host, port)
    try:
        if isinstance(typed, TlsVersionError):
            return _legacy_finding(ctx, typed, host, address, port)
        if isinstance(typed, TlsTrustError) and typed.reason in ("expired", "not-yet-valid"):
            return handshake(ctx, host, address, port).trust_problem or typed
    except NetError:
        pass  # the second look failed; the first answer stands
    return typed


def dated_trust_error(problem: TlsTrustError, der: bytes, host: str, port: int) -> TlsTrustError:
    """An expired / not yet valid trust error that says from when to when, from the presented certificate."""
    try:
        facts = facts_from_der(der)
    except NetError:
        return problem
    where = f"{host}:{port}"
    if problem.reason == "not-yet-valid":
        text = (f"the certificate presented by {where} ({facts.subject}) is {facts.not_yet_valid_words()}; "
                "TLS clients refuse it until then")
    else:
        text = (f"the certificate presented by {where} ({facts.subject}) expired on "
                f"{facts.not_after:%Y-%m-%d %H:%M} UTC; TLS clients refuse it")
    return TlsTrustError(text + "; Windows reports this as 'Could not establish trust relationship for the "
                         "SSL/TLS secure channel'", target=problem.target, reason=problem.reason)


def _legacy_finding(ctx: ProbeContext, refused: TlsVersionError, host: str, address: str,
                    port: int) -> TlsVersionError:
    """Ask once more allowing TLS 1.0/1.1: if that works, the server offers only those, and the verdict says so."""
    try:
        version, cipher, _ = ctx.memo(("tls", "legacy", host.lower(), address, port),
                                      lambda: _one_handshake(ctx, legacy_context(), host, address, port))
    except NetError:
        return refused
    where = f"{host}:{port}"
    named = LEGACY_VERSIONS.get(version)
    if named is None:  # a current version, but only with ciphers or keys too weak for the default settings
        return TlsVersionError(
            f"{where} completes a TLS handshake only when weak ciphers and keys are allowed ({version}, {cipher}); "
            "current Windows, Exchange, Skype for Business and Teams clients refuse it", target=where,
            offered=version)
    return TlsVersionError(
        f"{where} only offers {named} (TLS 1.2 and 1.3 were refused; a handshake allowing the old versions "
        f"negotiated {named}): current Windows, Exchange, Skype for Business and Teams clients refuse TLS 1.0 "
        "and 1.1, so no client can connect to it until TLS 1.2 is enabled", target=where, offered=version)


def _ssl_reason(exc: BaseException) -> str:
    """OpenSSL's reason code (EXCESSIVE_MESSAGE_SIZE, ...) from the first ssl.SSLError in the chain."""
    found = _find(exc, ssl.SSLError)
    reason = getattr(found, "reason", None) if found is not None else None
    if isinstance(reason, str) and reason:
        return reason
    match = re.search(r"\[SSL: ([A-Z0-9_]+)\]", _chain_text(exc))
    return match.group(1) if match else ""


def _plain(exc: BaseException) -> str:
    """The innermost message of the chain without OpenSSL's source location."""
    text = _chain_text(exc).rsplit(" | ", 1)[-1]
    return re.sub(r"\s*\(_ssl\.c:\d+\)", "", text).strip() or "no reason given"


def _links(current: BaseException) -> list[BaseException]:
    """Where an exception chain continues: cause, context, urllib3's `reason`, exceptions among the args.

    ssl.SSLError's own `reason` is a string (OpenSSL's reason code), not a link; following it was the
    "'str' object has no attribute '__cause__'" that made a TLS 1.0-only server a defect.
    """
    linked = [current.__cause__, current.__context__, getattr(current, "reason", None),
              *getattr(current, "args", ())]
    return [item for item in linked if isinstance(item, BaseException)]


def _find(exc: BaseException | None, kind: type[BaseException]) -> BaseException | None:
    seen: set[int] = set()
    stack: list[BaseException] = [exc] if exc is not None else []
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, kind):
            return current
        stack += reversed(_links(current))
    return None


def _chain_text(exc: BaseException) -> str:
    parts, seen = [], set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        parts.append(str(current))
        links = _links(current)
        current = links[0] if links else None
    return " | ".join(parts)


@dataclass(frozen=True)
class Handshake:
    """What a TLS handshake showed: the leaf certificate (DER) and whether this machine trusts it."""

    host: str
    address: str
    port: int
    version: str
    cipher: str
    certificate: bytes
    trust_problem: TlsError | None  # None: chain trusted and name valid

    @property
    def trusted(self) -> bool:
        return self.trust_problem is None


def handshake(ctx: ProbeContext, host: str, address: str, port: int) -> Handshake:
    """Handshake with SNI `host` at `address`; verify with the run's trust, then look at the certificate."""
    return ctx.memo(("tls", "handshake", host.lower(), address, port), lambda: _handshake(ctx, host, address, port))


def _handshake(ctx: ProbeContext, host: str, address: str, port: int) -> Handshake:
    problem: TlsError | None = None
    try:
        _one_handshake(ctx, trust_context(ctx), host, address, port)
    except TlsVersionError as exc:
        raise _legacy_finding(ctx, exc, host, address, port) from None
    except TlsError as exc:
        problem = exc
    version, cipher, der = _one_handshake(ctx, inspect_context(), host, address, port)
    if isinstance(problem, TlsTrustError) and problem.reason in ("expired", "not-yet-valid"):
        problem = dated_trust_error(problem, der, host, port)
    return Handshake(host, address, port, version, cipher, der, problem)


def _one_handshake(ctx: ProbeContext, context: ssl.SSLContext, host: str, address: str,
                   port: int) -> tuple[str, str, bytes]:
    """Connect and handshake within one wall-clock deadline: a silent or dripping server is cut off."""
    with ctx.deadline(f"{host} ({address})" if host != address else address, target=f"{host}:{port}", port=port,
                      after_connect=Stage.HANDSHAKE):
        return _shake(ctx, context, host, address, port)


def _shake(ctx: ProbeContext, context: ssl.SSLContext, host: str, address: str, port: int) -> tuple[str, str, bytes]:
    timeout = ctx.settings.http_timeout
    raw = sockets.connect(ctx, address, port, timeout, host=host)  # its timeout: what is left of the deadline
    interrupter = sockets.Interrupter(raw)
    try:
        token = ctx.track(interrupter)  # the watchdog shuts it down at the deadline
    except BaseException:  # cancelled meanwhile: track() closed the duplicate, the socket is ours to close
        raw.close()
        raise
    try:
        try:
            tls = context.wrap_socket(raw, server_hostname=host)
        except ssl.SSLError as exc:
            ctx.check()
            raise classify(exc, host, port) from None
        except TimeoutError:
            ctx.check()
            raise WaitTimeoutError(f"{host}:{port} accepted the connection but did not complete a TLS "
                                   f"handshake within {timeout:g} s", target=f"{host}:{port}") from None
        except OSError as exc:
            ctx.check()
            raise TlsError(f"the TLS handshake with {host}:{port} failed: {exc}", target=f"{host}:{port}") from None
        with tls:
            der = tls.getpeercert(binary_form=True) or b""
            cipher = tls.cipher()
            return tls.version() or "", cipher[0] if cipher else "", der
    finally:
        ctx.untrack(token)
        interrupter.release()
        raw.close()
