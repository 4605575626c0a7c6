"""The scenario: everything the pages collect, the values derived from it, and its file format.

Plain Python (no Qt). Values are kept as the user typed them so a form round-trips; a valid value
is stored normalised. `errors()` answers what is wrong, field by field; scripts are only made from
a scenario whose `errors()` is empty (`require_valid()`).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from wizard.derived import EXCHANGE_ONLINE_AUTODISCOVER_URL, Derived
from wizard.fields import FIELD_BY_NAME, FIELDS, Kind
from wizard.probes.formats import json_safe
from wizard.settled import Settled
from wizard.topology import (
    DEFAULT_EXCHANGE_VERSION,
    DEFAULT_SFB_VERSION,
    ExchangeKind,
    ExchangeVersion,
    SfbKind,
    SfbVersion,
    Topology,
)
from wizard.validation import InvalidValue

__all__ = ["EXCHANGE_ONLINE_AUTODISCOVER_URL", "Scenario", "ScenarioFileError", "ScenarioInvalid", "Settled"]

SCHEMA = "sfb-exchange-wizard/scenario"
# 2: Exchange hybrid and the Subscription Editions; SfB 'online' became 'teams'; 3: pool external web names: a list
SCHEMA_VERSION = 3
# What a version-1 file meant by a value it left out (the defaults of that version).
V1_DEFAULTS = {"exchange_version": "2016", "sfb_version": "2015"}
MAX_FILE_BYTES = 1024 * 1024



class ScenarioInvalid(ValueError):  # noqa: N818
    """Raised when scripts are asked of a scenario with errors; carries field -> message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        first = next(iter(errors.items()))
        super().__init__(f"{FIELD_BY_NAME[first[0]].label}: {first[1]}" + (
            f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""))


class ScenarioFileError(OSError):
    """A scenario file that cannot be read: missing, corrupt, truncated, foreign or from the future."""


def split_list(value: str | list[str] | tuple[str, ...]) -> list[str]:
    """Accept a list, or text separated by commas, semicolons, spaces or new lines."""
    if isinstance(value, (list, tuple)):
        items = [str(v) for v in value]
    else:
        items = str(value).replace(";", ",").replace("\n", ",").replace(" ", ",").split(",")
    return [item.strip() for item in items if item.strip()]


@dataclass
class Scenario(Derived):
    """Every value the integration needs. List fields hold one entry per server/domain."""

    mode: str = "setup"
    exchange: str = ExchangeKind.SERVER.value
    exchange_version: str = DEFAULT_EXCHANGE_VERSION.value
    sfb: str = SfbKind.SERVER.value
    sfb_version: str = DEFAULT_SFB_VERSION.value
    sip_domains: list[str] = field(default_factory=list)
    smtp_domain: str = ""
    verified_domain: str = ""
    exchange_fqdns: list[str] = field(default_factory=list)
    exchange_lb_fqdn: str = ""
    autodiscover_fqdn: str = ""
    exchange_autodiscover_url: str = ""
    pool_fqdns: list[str] = field(default_factory=list)
    dc_fqdn: str = ""
    test_sip_uri: str = ""
    test_mailbox: str = ""
    tenant_domain: str = ""
    tenant_id: str = ""
    oauth_certificate: str = ""
    oauth_certificate_thumbprint: str = ""
    oauth_realm: str = ""
    sfb_site: str = ""
    pool_external_web_fqdns: list[str] = field(default_factory=list)
    _listeners: list[Callable[[str], None]] = field(default_factory=list, repr=False, compare=False)

    # ----- change notification (the Qt adapter mirrors the model through this) -----
    def subscribe(self, listener: Callable[[str], None]) -> Callable[[], None]:
        """Call `listener(field_name)` after every change; returns a function that unsubscribes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def set(self, name: str, value: str | list[str]) -> str | None:
        """Store a value typed by the user; returns the field's error message, or None when valid."""
        spec = FIELD_BY_NAME[name]
        if spec.kind is Kind.LIST:
            raw: Any = split_list(value)
        else:
            raw = str(value).strip() if not isinstance(value, list) else ",".join(value)
            if spec.kind is Kind.CHOICE:
                raw = spec.canonical(raw)
        message = self._check(name, raw)
        if message is None:
            raw = self._normalise(name, raw)
        if getattr(self, name) != raw:
            setattr(self, name, raw)
            for listener in list(self._listeners):
                listener(name)
        return message

    def update(self, values: dict[str, Any]) -> dict[str, str]:
        """Set several values; returns field -> message for the invalid ones."""
        problems = {}
        for name, value in values.items():
            if value is None:
                continue
            message = self.set(name, value)
            if message:
                problems[name] = message
        return problems

    # ----- validation -----
    @staticmethod
    def _check(name: str, raw: Any) -> str | None:
        spec = FIELD_BY_NAME[name]
        try:
            if spec.kind is Kind.CHOICE:
                if raw not in spec.choices:
                    return f"Choose one of: {', '.join(spec.choices)}."
            elif spec.kind is Kind.LIST:
                if spec.validator:
                    for item in raw:
                        spec.validator(item)
                    if len({v.lower() for v in raw}) != len(raw):
                        return "The same value is listed twice."
            elif raw and spec.validator:
                spec.validator(raw)
        except InvalidValue as exc:
            return str(exc)
        return None

    @staticmethod
    def _normalise(name: str, raw: Any) -> Any:
        spec = FIELD_BY_NAME[name]
        if spec.validator is None or spec.kind is Kind.CHOICE:
            return raw
        if spec.kind is Kind.LIST:
            return [spec.validator(item) for item in raw]
        return spec.validator(raw) if raw else raw

    def field_error(self, name: str) -> str | None:
        """The message for one field (format first, then whether the topology requires it)."""
        spec = FIELD_BY_NAME[name]
        raw = getattr(self, name)
        message = self._check(name, raw)
        if message:
            return message
        topology = self.topology_or_default
        if not raw and spec.relevant(topology) and spec.required(topology):
            return f"{spec.label} is required for {topology.label}."
        return self._cross_field_error(name)

    def _cross_field_error(self, name: str) -> str | None:
        if name == "test_sip_uri" and self.test_sip_uri and self.sip_domains:
            host = self.test_sip_uri.rpartition("@")[2]
            if host not in self.sip_domains:
                return f"The test user's domain {host} is not one of the SIP domains."
        if name == "exchange_lb_fqdn" and not self.exchange_lb_fqdn and len(self.exchange_fqdns) > 1 and (
                FIELD_BY_NAME[name].relevant(self.topology_or_default)):
            return ("With several Exchange servers, give the load-balanced name they share: the autodiscover "
                    "record and SfB's trusted application pool for OWA point at it, not at one server.")
        if name == "exchange_lb_fqdn" and self.exchange_lb_fqdn and self.exchange_lb_fqdn in self.exchange_fqdns \
                and len(self.exchange_fqdns) > 1:
            return "The load-balanced name must differ from the servers' own names."
        if name == "oauth_realm" and self.oauth_realm and self.sip_domains and (
                self.oauth_realm not in self.sip_domains):
            return "The OAuth realm should be one of the SIP domains (normally the default one)."
        return None

    def errors(self) -> dict[str, str]:
        """Field -> message for every value that is wrong or missing for this topology."""
        found = {}
        for spec in FIELDS:
            if not spec.relevant(self.topology_or_default):
                continue
            message = self.field_error(spec.name)
            if message:
                found[spec.name] = message
        return found

    def require_valid(self) -> None:
        problems = self.errors()
        if problems:
            raise ScenarioInvalid(problems)

    # ----- derived values -----
    @property
    def topology_or_default(self) -> Topology:
        """The topology; a half-filled form still gets one so the pages can adapt while typing."""
        try:
            return self.topology
        except ValueError:
            return Topology(ExchangeKind.SERVER, DEFAULT_EXCHANGE_VERSION, SfbKind.SERVER, DEFAULT_SFB_VERSION)

    @property
    def topology(self) -> Topology:
        exchange = ExchangeKind(self.exchange)
        sfb = SfbKind(self.sfb)
        return Topology(
            exchange=exchange,
            exchange_version=(ExchangeVersion(self.exchange_version) if exchange is not ExchangeKind.ONLINE
                              else None),
            sfb=sfb,
            sfb_version=SfbVersion(self.sfb_version) if sfb is not SfbKind.TEAMS else None,
        )

    def _topology_for_derived(self) -> Topology:
        return self.topology_or_default

    def settle(self) -> Settled:
        """The validated, frozen value the core consumes; raises ScenarioInvalid when anything is wrong."""
        self.require_valid()
        return Settled.of(self)

    # ----- serialisation -----
    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if not f.name.startswith("_")}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Scenario:
        """Build from a dict of known keys; unknown keys are an error (likely a foreign file)."""
        unknown = sorted(set(data) - set(FIELD_BY_NAME))
        if unknown:
            raise ScenarioFileError(f"unknown setting(s): {', '.join(unknown)}")
        scenario = cls()
        for name, value in data.items():
            spec = FIELD_BY_NAME[name]
            if spec.kind is Kind.LIST:
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise ScenarioFileError(f"'{name}' must be a list of strings")
            elif not isinstance(value, str):
                raise ScenarioFileError(f"'{name}' must be a string")
            scenario.set(name, value)
        return scenario

    def to_json(self) -> str:
        doc = {"schema": SCHEMA, "schema_version": SCHEMA_VERSION, "scenario": self.to_dict()}
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Scenario:
        try:
            doc = json_safe.loads(text, max_bytes=MAX_FILE_BYTES)
        except json_safe.JsonDocumentError as exc:
            if exc.kind is json_safe.JsonProblem.MALFORMED:
                raise ScenarioFileError(f"not valid JSON (corrupt or truncated?): {exc.detail}") from None
            raise ScenarioFileError(f"the file {exc.problem}; this is not a scenario file of this wizard") from None
        if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
            raise ScenarioFileError("not a scenario file of this wizard")
        version = doc.get("schema_version")
        if not isinstance(version, int) or version < 1:
            raise ScenarioFileError("the file has no valid schema_version")
        if version > SCHEMA_VERSION:
            raise ScenarioFileError(
                f"the file was written by a newer version of the wizard (schema {version}, this one reads "
                f"up to {SCHEMA_VERSION}); update the wizard")
        body = doc.get("scenario")
        if not isinstance(body, dict):
            raise ScenarioFileError("the file has no 'scenario' object")
        return cls.from_dict(migrate(body, version))

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write atomically: a temporary file in the same folder, flushed, then renamed over."""
        atomic_write_text(Path(path), self.to_json())

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Scenario:
        target = Path(path)
        try:
            with target.open("rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise ScenarioFileError(f"cannot read {target}: {exc.strerror or exc}") from None
        if len(data) > MAX_FILE_BYTES:
            raise ScenarioFileError(f"{target} is larger than 1 MiB; not a scenario file")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ScenarioFileError(f"{target} is not UTF-8 text") from None
        try:
            return cls.from_json(text)
        except ScenarioFileError as exc:
            raise ScenarioFileError(f"{target}: {exc}") from None


def migrate(body: dict[str, Any], version: int) -> dict[str, Any]:
    """Read an older file's values as they are meant today: version 1 left out versions it took as 2016 and
    2015. (Its SfB 'online' becomes 'teams' through the field's aliases, as a flag does.)"""
    migrated = dict(body)
    if version < 2:
        for name, default in V1_DEFAULTS.items():
            migrated.setdefault(name, default)
    if version < 3 and "pool_external_web_fqdn" in migrated:  # one name became one per pool
        single = migrated.pop("pool_external_web_fqdn")
        migrated["pool_external_web_fqdns"] = [single] if single else []
    return migrated


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so readers see the old or the new file, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def atomic_write_text(path: Path, text: str, *, encoding: str = "utf-8") -> None:
    atomic_write_bytes(path, text.encode(encoding))


def example_scenario() -> Scenario:
    """The field guide's own values (jdskype.net): SfB Server 2015 with Exchange 2013 on premises."""
    scenario = Scenario()
    scenario.update({
        "exchange": "server", "exchange_version": "2013", "sfb": "server", "sfb_version": "2015",
        "sip_domains": ["jdskype.net"], "smtp_domain": "jdskype.net",
        "exchange_fqdns": ["exch.jdskype.net"], "autodiscover_fqdn": "autodiscover.jdskype.net",
        "pool_fqdns": ["fe.jdskype.net"], "test_sip_uri": "sip:jeff@jdskype.net",
    })
    return scenario
