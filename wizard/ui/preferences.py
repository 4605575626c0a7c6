"""Per-user preferences of the window: recent files and the Tools menu's probe settings.

Stored as a small JSON file in the per-user config folder (platformdirs), read once at start-up and
written atomically on change. A corrupt file is ignored rather than blocking the wizard.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import platformdirs

from wizard import validation
from wizard.probes.context import ProbeSettings
from wizard.probes.net.proxy import InvalidProxyError, parse_proxy_url, redacted
from wizard.scenario import atomic_write_text

log = logging.getLogger(__name__)

APP_NAME = "SfB-Exchange-Wizard"
MAX_RECENT = 8


def data_dir() -> Path:
    """Per-user data folder (autosave lives here)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


@dataclass
class Preferences:
    recent_files: list[str] = field(default_factory=list)
    nameserver: str = ""  # "host:port" typed in Tools > Resolver; empty = system resolver
    ca_bundle: str = ""
    dns_timeout: float = ProbeSettings.dns_timeout
    http_timeout: float = ProbeSettings.http_timeout
    budget: float = ProbeSettings.budget or 120.0
    accept_untrusted: bool = False
    proxy: str = ""  # Tools > Proxy for Microsoft 365, never with a password; empty = none given
    system_proxy: bool = True  # False: connect to Microsoft 365 directly
    window_geometry: str = ""  # QWidget.saveGeometry() as base64: the window opens where and as large as it was
    splitters: dict[str, str] = field(default_factory=dict)  # page -> QSplitter.saveState() as base64
    path: Path | None = field(default=None, repr=False, compare=False)

    @classmethod
    def load(cls, path: Path | None = None) -> Preferences:
        target = path or config_dir() / "preferences.json"
        prefs = cls(path=target)
        try:
            raw: Any = json.loads(target.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return prefs
        except (OSError, ValueError):
            log.warning("ignoring unreadable preferences file %s", target)
            return prefs
        if not isinstance(raw, dict):
            return prefs
        recent = raw.get("recent_files", [])
        if isinstance(recent, list):
            prefs.recent_files = [str(p) for p in recent if isinstance(p, str)][:MAX_RECENT]
        for name, kind in (("nameserver", str), ("ca_bundle", str), ("accept_untrusted", bool), ("proxy", str),
                           ("system_proxy", bool)):
            if isinstance(raw.get(name), kind):
                setattr(prefs, name, raw[name])
        if isinstance(raw.get("window_geometry"), str):
            prefs.window_geometry = raw["window_geometry"]
        splitters = raw.get("splitters")
        if isinstance(splitters, dict):
            prefs.splitters = {str(k): v for k, v in splitters.items() if isinstance(v, str)}
        for name in ("dns_timeout", "http_timeout", "budget"):
            value = raw.get(name)
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
                setattr(prefs, name, float(value))
        return prefs

    def save(self) -> None:
        if self.path is None:
            return
        doc = {
            "recent_files": self.recent_files,
            "nameserver": self.nameserver,
            "ca_bundle": self.ca_bundle,
            "dns_timeout": self.dns_timeout,
            "http_timeout": self.http_timeout,
            "budget": self.budget,
            "accept_untrusted": self.accept_untrusted,
            "proxy": self.proxy,
            "system_proxy": self.system_proxy,
            "window_geometry": self.window_geometry,
            "splitters": self.splitters,
        }
        try:
            atomic_write_text(self.path, json.dumps(doc, indent=2) + "\n")
        except OSError:
            log.exception("could not save preferences to %s", self.path)

    def add_recent(self, path: Path) -> None:
        text = str(Path(path).resolve())
        self.recent_files = [text] + [p for p in self.recent_files if p != text]
        del self.recent_files[MAX_RECENT:]
        self.save()

    def remember_proxy(self, proxy: str | None, *, system_proxy: bool) -> None:
        """Keep the proxy choice; a proxy with a password is kept for the session only, never written."""
        self.system_proxy = system_proxy
        self.proxy = "" if not proxy or redacted(proxy) != proxy else proxy

    def apply_to(self, settings: ProbeSettings) -> ProbeSettings:
        """The settings with the user's Tools choices applied (an invalid stored nameserver is ignored)."""
        nameserver = None
        if self.nameserver:
            try:
                nameserver = validation.host_port(self.nameserver, default_port=53)
            except validation.InvalidValue:
                log.warning("ignoring invalid stored nameserver %r", self.nameserver)
        proxy = None
        if self.proxy:
            try:
                parse_proxy_url(self.proxy)
                proxy = self.proxy
            except InvalidProxyError:
                log.warning("ignoring invalid stored proxy %r", redacted(self.proxy))
        return replace(
            settings,
            proxy=proxy,
            system_proxy=self.system_proxy,
            nameserver=nameserver,
            ca_bundle=self.ca_bundle or None,
            dns_timeout=self.dns_timeout,
            http_timeout=self.http_timeout,
            budget=self.budget,
            accept_untrusted=self.accept_untrusted,
        )
