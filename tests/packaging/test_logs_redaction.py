"""The application log: secrets never reach the file; probes, exports and errors always do."""

from __future__ import annotations

import logging
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from wizard import logs
from wizard.probes.result import ProbeResult, Status
from wizard.topology import Phase


def _flush() -> None:
    for handler in logging.getLogger().handlers:
        handler.flush()


def _pem_private_key(*, password: bytes | None = None) -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    encryption = (
        serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    )
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption).decode()


def test_password_in_message_and_args_never_reaches_the_file(app_log: Path) -> None:
    logging.getLogger("wizard.probes").info("loading pfx with password=%s", "Hunter2!pfx")
    logging.getLogger("urllib3").debug("body: %r", {"password": "S3cret-json", "user": "admin"})
    logging.getLogger("wizard").warning("ProbeContext(certificate_password=b'bytes-secret')")
    _flush()
    text = app_log.read_text(encoding="utf-8")
    for secret in ("Hunter2!pfx", "S3cret-json", "bytes-secret"):
        assert secret not in text
    assert text.count(logs.REDACTED) == 3
    assert "'user': 'admin'" in text


def test_private_key_block_never_reaches_the_file(app_log: Path) -> None:
    pem = _pem_private_key()
    body_line = pem.splitlines()[1]
    logging.getLogger("wizard").error("certificate file contained:\n%s\nand more", pem)
    _flush()
    text = app_log.read_text(encoding="utf-8")
    assert body_line not in text
    assert "BEGIN PRIVATE KEY" not in text
    assert "[private key redacted]" in text
    assert "and more" in text


def test_encrypted_and_truncated_private_keys_are_redacted() -> None:
    encrypted = _pem_private_key(password=b"pw")
    truncated = _pem_private_key()[:120]
    assert "ENCRYPTED" not in logs.redact(encrypted)
    assert encrypted.splitlines()[2] not in logs.redact(encrypted)
    assert logs.redact("before " + truncated) == "before [private key redacted]"


def test_authorization_headers_and_bearer_tokens_are_redacted() -> None:
    token = "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiIwMDAwMDAwNCJ9.c2lnbmF0dXJl"
    assert token not in logs.redact(f"Authorization: Bearer {token}")
    assert token not in logs.redact(f"headers={{'Authorization': 'Bearer {token}', 'Accept': 'json'}}")
    assert token not in logs.redact(f"retrying with bearer {token} after 401")
    assert "Accept" in logs.redact(f"{{'Authorization': 'Bearer {token}', 'Accept': 'json'}}")
    assert "dXNlcjpwYXNz" not in logs.redact("Proxy-Authorization: Basic dXNlcjpwYXNz")
    assert token not in logs.redact(f'{{"access_token": "{token}", "token_type": "Bearer"}}')


def test_powershell_password_parameters_are_redacted() -> None:
    line = (
        "Import-PfxCertificate -FilePath 'C:\\oauth.pfx' "
        "-Password (ConvertTo-SecureString 'pfx''pw' -AsPlainText -Force)"
    )
    redacted = logs.redact(line)
    assert "pfx''pw" not in redacted
    assert "Import-PfxCertificate -FilePath 'C:\\oauth.pfx'" in redacted
    assert "plain-pw" not in logs.redact("Export-PfxCertificate -CertificatePassword plain-pw -FilePath x")


def test_ordinary_diagnostics_survive_redaction() -> None:
    line = "GET https://autodiscover.contoso.com/autodiscover/metadata/json/1 -> 404 (token_endpoint missing)"
    assert logs.redact(line) == line
    assert logs.redact("The password is wrong (Mac verify error)") == "The password is wrong (Mac verify error)"


def test_protected_secret_is_redacted_even_without_a_telltale_key(app_log: Path) -> None:
    logs.protect_secret(b"correct horse")
    try:
        logging.getLogger("wizard").info("user typed correct horse into the box")
        _flush()
        assert "correct horse" not in app_log.read_text(encoding="utf-8")
    finally:
        logs.forget_secret(b"correct horse")
    logging.getLogger("wizard").info("later: correct horse")
    _flush()
    assert "later: correct horse" in app_log.read_text(encoding="utf-8")


def test_traceback_is_logged_with_secrets_redacted(app_log: Path) -> None:
    try:
        raise ValueError("could not open pfx, passphrase='open-sesame'")
    except ValueError as exc:
        logs.log_error("loading the OAuth certificate failed", exc)
    _flush()
    text = app_log.read_text(encoding="utf-8")
    assert "loading the OAuth certificate failed" in text
    assert "Traceback (most recent call last)" in text
    assert "test_traceback_is_logged_with_secrets_redacted" in text
    assert "open-sesame" not in text


def test_probe_result_is_logged_with_target_and_outcome(app_log: Path) -> None:
    result = ProbeResult(
        id="autodiscover-srv",
        phase=Phase.AUTODISCOVER,
        status=Status.FAIL,
        title="Autodiscover SRV record",
        detail="no _autodiscover._tcp record",
        elapsed_ms=12.4,
        target="_autodiscover._tcp.contoso.com",
    )
    logs.log_probe_result(result)
    _flush()
    line = app_log.read_text(encoding="utf-8").strip().splitlines()[-1]
    assert "WARNING" in line
    assert "autodiscover-srv" in line
    assert "target=_autodiscover._tcp.contoso.com" in line
    assert "status=fail" in line
    assert "no _autodiscover._tcp record" in line


def test_export_is_logged_with_every_path(app_log: Path, tmp_path: Path) -> None:
    paths = [tmp_path / "exchange-setup.ps1", tmp_path / "runbook.md"]
    logs.log_export(paths)
    _flush()
    text = app_log.read_text(encoding="utf-8")
    assert "exported 2 file(s)" in text
    assert all(str(p) in text for p in paths)


def test_setup_twice_keeps_one_handler(tmp_path: Path, app_log: Path) -> None:
    second = logs.setup_logging(logging.INFO, directory=tmp_path / "other")
    handlers = [h for h in logging.getLogger().handlers if isinstance(h, logs._WizardLogHandler)]
    assert len(handlers) == 1
    assert logs.log_file() == second


def test_log_rotates_at_one_mebibyte_keeping_five(app_log: Path) -> None:
    handler = next(h for h in logging.getLogger().handlers if isinstance(h, logs._WizardLogHandler))
    assert handler.maxBytes == 1024 * 1024
    assert handler.backupCount == 5
    assert app_log.name == "wizard.log"


def test_default_log_dir_is_per_user_and_named_for_the_app() -> None:
    assert "SfB-Exchange-Wizard" in str(logs.log_dir())
