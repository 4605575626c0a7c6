"""The application log: one rotating file per user, with secrets redacted before anything is written.

Admins attach this file to support requests, so it records every probe (target and outcome), every
export and every error with its traceback, and it must never contain a password, a private key or a
bearer token. Redaction runs as a handler filter, so it also covers records from third-party loggers
(urllib3, dnspython) that propagate to the root logger.

It must also not be forgeable: a realm or header a server sent may hold CR/LF and escape sequences.
The same filter writes each message on one line with hidden characters made visible (\r\n, \x1b),
and indents every traceback line, so each line that starts at the margin is one real record.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
import sys
import threading
import traceback
from collections.abc import Iterable
from pathlib import Path

import platformdirs

from wizard.probes.result import ProbeResult, Status
from wizard.safe_text import shown

APP_NAME = "SfB-Exchange-Wizard"
LOG_FILE_NAME = "wizard.log"
MAX_BYTES = 1024 * 1024
BACKUP_COUNT = 5
REDACTED = "[redacted]"
INDENT = "    "  # before each traceback line: only a record's first line starts at the margin

logger = logging.getLogger("wizard")

_PRIVATE_KEY = re.compile(
    r"-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY)-----.*?(?:-----END \1-----|\Z)", re.DOTALL
)
# Header style ("Authorization: Bearer x", "'Authorization': 'Basic x'"): the whole value goes.
_AUTH_HEADER = re.compile(
    r"""(?P<key>\b(?:Proxy-)?Authorization['"]?\s*[:=]\s*)(?P<value>'[^']*'|"[^"]*"|[^\r\n,}]+)""",
    re.IGNORECASE,
)
_BEARER = re.compile(r"\b(?P<scheme>Bearer|Basic|Negotiate|NTLM)\s+[A-Za-z0-9\-._~+/]+=*", re.IGNORECASE)
# key=value / key: value / "key": "value" for anything that names a secret.
_SECRET_KEYS = (
    r"[\w-]*(?:password|passwd|passphrase)[\w-]*|pwd|secret|client[_-]?secret|"
    r"access[_-]?token|refresh[_-]?token|id[_-]?token|api[_-]?key"
)
_KEY_VALUE = re.compile(
    rf"""(?P<key>\b(?:{_SECRET_KEYS})['"]?\s*[:=]\s*)(?P<value>b?'(?:[^'\\]|\\.)*'|b?"(?:[^"\\]|\\.)*"|[^\s&,;'"}})\]]+)""",
    re.IGNORECASE,
)
# PowerShell parameters: -Password 'x', -CertificatePassword "x", ConvertTo-SecureString 'x'.
_PS_PARAMETER = re.compile(
    r"""(?P<key>(?:-\w*Password|ConvertTo-SecureString(?:\s+-String)?)\s+)(?P<value>'(?:[^']|'')*'|"[^"]*"|(?!\()[^\s)]+)""",
    re.IGNORECASE,
)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """Replace every password, private key, token and known secret value in `text`."""
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    text = _PRIVATE_KEY.sub(lambda m: f"[{m.group(1).lower()} redacted]", text)
    text = _AUTH_HEADER.sub(lambda m: m.group("key") + REDACTED, text)
    text = _BEARER.sub(lambda m: f"{m.group('scheme')} {REDACTED}", text)
    text = _KEY_VALUE.sub(lambda m: m.group("key") + REDACTED, text)
    return _PS_PARAMETER.sub(lambda m: m.group("key") + REDACTED, text)


class SecretRedactingFilter(logging.Filter):
    """Rewrites each record's message, traceback and stack so no secret reaches any handler.

    Besides the patterns, values handed to `protect()` (the pfx password of a probe run) are
    removed wherever they appear, even without a telltale key in front of them.
    """

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._secrets: dict[str, int] = {}

    def protect(self, secret: str | bytes) -> None:
        text = _as_text(secret)
        if text:
            with self._lock:
                self._secrets[text] = self._secrets.get(text, 0) + 1

    def forget(self, secret: str | bytes) -> None:
        text = _as_text(secret)
        with self._lock:
            count = self._secrets.get(text, 0) - 1
            if count > 0:
                self._secrets[text] = count
            else:
                self._secrets.pop(text, None)

    def filter(self, record: logging.LogRecord) -> bool:
        with self._lock:
            secrets = tuple(self._secrets)
        try:
            message = record.getMessage()
        except Exception:  # a bad %-format must not lose the record; keep its raw parts instead
            message = f"{record.msg!r} % {record.args!r}"
        record.msg = shown(redact(message, secrets))
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text:
            record.exc_text = continuation(redact(record.exc_text, secrets))
        if record.stack_info:
            record.stack_info = continuation(redact(record.stack_info, secrets))
        return True


def continuation(text: str) -> str:
    """Lines that belong to the record above (a traceback): indented, hidden characters made visible."""
    return "\n".join(INDENT + shown(line) for line in text.split("\n"))


def _as_text(secret: str | bytes) -> str:
    return secret.decode("utf-8", "replace") if isinstance(secret, bytes) else secret


def log_dir() -> Path:
    """Where the log lives for this user (e.g. %LOCALAPPDATA%\\SfB-Exchange-Wizard\\Logs on Windows)."""
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


class _WizardLogHandler(logging.handlers.RotatingFileHandler):
    """Marks the handler setup_logging installed, so a second call replaces it instead of doubling lines."""


def setup_logging(level: int | str = logging.INFO, *, directory: Path | None = None) -> Path:
    """Send every record at `level` or above to the rotating log file (1 MiB x 5); returns the file."""
    folder = Path(directory) if directory is not None else log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOG_FILE_NAME
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _WizardLogHandler)]:
        root.removeHandler(old)
        old.close()
    handler = _WizardLogHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=True)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)-7s %(threadName)s %(name)s: %(message)s")
    )
    handler.addFilter(SecretRedactingFilter())
    handler.setLevel(level)
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > handler.level:
        root.setLevel(handler.level)
    return path


def log_file() -> Path | None:
    """The file setup_logging opened in this process (None before setup)."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, _WizardLogHandler):
            return Path(handler.baseFilename)
    return None


def protect_secret(secret: str | bytes) -> None:
    """Redact this exact value from the log until `forget_secret` (the pfx password of a run)."""
    for flt in _installed_filters():
        flt.protect(secret)


def forget_secret(secret: str | bytes) -> None:
    for flt in _installed_filters():
        flt.forget(secret)


def _installed_filters() -> list[SecretRedactingFilter]:
    return [f for h in logging.getLogger().handlers for f in h.filters if isinstance(f, SecretRedactingFilter)]


_LEVEL_FOR_STATUS = {
    Status.PASS: logging.INFO,
    Status.SKIP: logging.INFO,
    Status.WARN: logging.WARNING,
    Status.FAIL: logging.WARNING,
    Status.ERROR: logging.ERROR,
    Status.BLOCKED: logging.INFO,  # its root cause is logged as a failure of its own
    Status.NOT_RUN: logging.INFO,
}


def log_probe_result(result: ProbeResult) -> None:
    """One line per probe: which check, against what, the outcome and why."""
    logger.log(
        _LEVEL_FOR_STATUS[result.status],
        "probe %s (%s) target=%s status=%s in %.0f ms: %s%s",
        result.id,
        result.phase.value,
        result.target or "-",
        result.status.value,
        result.elapsed_ms,
        result.title,
        f" - {result.detail}" if result.detail else "",
    )


def log_export(paths: Iterable[Path | str]) -> None:
    """Record what was written where, so a support request can name the exact files."""
    files = [Path(p) for p in paths]
    logger.info("exported %d file(s): %s", len(files), ", ".join(str(p) for p in files))


def log_error(what: str, exc: BaseException | None = None) -> None:
    """An error with its traceback (the current exception when `exc` is None and one is being handled)."""
    if exc is None:
        exc = sys.exc_info()[1]
    if exc is None:
        logger.error("%s", what)
    else:
        logger.error("%s: %s", what, exc, exc_info=(type(exc), exc, exc.__traceback__))
