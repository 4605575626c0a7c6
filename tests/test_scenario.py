"""The scenario model: file round trip, refusing bad files without touching them, atomic writes,
derived values (.xml -> .svc), validation per topology and change notification."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from wizard import scenario as scenario_module
from wizard.scenario import (
    EXCHANGE_ONLINE_AUTODISCOVER_URL,
    MAX_FILE_BYTES,
    SCHEMA,
    SCHEMA_VERSION,
    Scenario,
    ScenarioFileError,
    ScenarioInvalid,
    atomic_write_text,
    example_scenario,
    split_list,
)


def hybrid() -> Scenario:
    scenario = Scenario()
    assert not scenario.update({
        "exchange": "server", "exchange_version": "2019", "sfb": "hybrid", "sfb_version": "2019",
        "sip_domains": ["contoso.com", "fabrikam.com"], "smtp_domain": "contoso.com",
        "exchange_fqdns": ["exch01.contoso.com", "exch02.contoso.com"], "exchange_lb_fqdn": "mail.contoso.com",
        "pool_fqdns": ["pool01.contoso.com"],
        "tenant_domain": "contoso.onmicrosoft.com", "tenant_id": "3A1C9B2E-5D4F-4E6A-8B7C-0D9E8F7A6B5C",
        "oauth_certificate_thumbprint": "ab:cd " * 10, "sfb_site": "Redmond Site",
        "oauth_certificate": "C:\\certs\\O\u2019Brien.cer", "test_sip_uri": "kenmyer@contoso.com",
    })
    return scenario


# ----- save / load -----

@pytest.mark.parametrize("make", [example_scenario, hybrid])
def test_save_and_load_round_trip(tmp_path, make):
    original = make()
    path = tmp_path / "scenario.json"
    original.save(path)
    loaded = Scenario.load(path)
    assert loaded.to_dict() == original.to_dict()
    assert loaded == original
    assert not loaded.errors()


def test_saved_file_is_versioned_json(tmp_path):
    path = tmp_path / "s.json"
    hybrid().save(path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["schema"] == SCHEMA and doc["schema_version"] == SCHEMA_VERSION
    assert doc["scenario"]["oauth_certificate_thumbprint"] == "ABCD" * 10
    assert doc["scenario"]["tenant_id"] == "3a1c9b2e-5d4f-4e6a-8b7c-0d9e8f7a6b5c"
    assert doc["scenario"]["test_sip_uri"] == "sip:kenmyer@contoso.com"


def test_load_accepts_a_utf8_bom(tmp_path):
    path = tmp_path / "s.json"
    path.write_bytes(b"\xef\xbb\xbf" + example_scenario().to_json().encode("utf-8"))
    assert Scenario.load(path).pool_fqdns == ["fe.jdskype.net"]


def _valid_json() -> str:
    return example_scenario().to_json()


BAD_FILES = {
    "corrupt": b"{\"schema\": \"sfb-exchange-wizard/scenario\", \"schema_version\": 1, \"scenario\": {,}}",
    "truncated": _valid_json().encode("utf-8")[: len(_valid_json()) // 2],
    "empty": b"",
    "foreign json": json.dumps({"name": "some other tool", "items": [1, 2]}).encode(),
    "foreign schema": json.dumps({"schema": "other/schema", "schema_version": 1, "scenario": {}}).encode(),
    "json list": b"[1, 2, 3]",
    "future version": json.dumps({"schema": SCHEMA, "schema_version": SCHEMA_VERSION + 1,
                                  "scenario": {}}).encode(),
    "no version": json.dumps({"schema": SCHEMA, "scenario": {}}).encode(),
    "unknown key": json.dumps({"schema": SCHEMA, "schema_version": 1, "scenario": {"pool": "x"}}).encode(),
    "wrong type": json.dumps({"schema": SCHEMA, "schema_version": 1, "scenario": {"pool_fqdns": "x"}}).encode(),
    "not utf-8": b"\xff\xfe{\x00}\x00",
    "binary": bytes(range(256)),
}


@pytest.mark.parametrize("content", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_files_raise_scenario_file_error_and_stay_untouched(tmp_path, content):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    before = path.stat().st_mtime_ns
    with pytest.raises(ScenarioFileError) as caught:
        Scenario.load(path)
    assert str(path) in str(caught.value)
    assert path.read_bytes() == content
    assert path.stat().st_mtime_ns == before
    assert [p.name for p in tmp_path.iterdir()] == ["bad.json"]


def test_future_version_says_to_update_the_wizard(tmp_path):
    path = tmp_path / "new.json"
    path.write_bytes(BAD_FILES["future version"])
    with pytest.raises(ScenarioFileError, match="newer version of the wizard"):
        Scenario.load(path)


def test_oversized_file_is_refused_without_reading_it_all(tmp_path):
    path = tmp_path / "big.json"
    path.write_bytes(b" " * (MAX_FILE_BYTES + 10))
    with pytest.raises(ScenarioFileError, match="larger than 1 MiB"):
        Scenario.load(path)


def test_missing_file_is_a_scenario_file_error(tmp_path):
    with pytest.raises(ScenarioFileError, match="cannot read"):
        Scenario.load(tmp_path / "nope.json")


def test_invalid_values_in_a_file_load_but_are_reported(tmp_path):
    doc = json.loads(_valid_json())
    doc["scenario"]["pool_fqdns"] = ["not a host!"]
    path = tmp_path / "s.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    loaded = Scenario.load(path)
    assert "pool_fqdns" in loaded.errors()
    with pytest.raises(ScenarioInvalid):
        loaded.require_valid()


# ----- atomic writes -----

def test_saving_over_a_file_leaves_no_temporary_files(tmp_path):
    path = tmp_path / "s.json"
    example_scenario().save(path)
    hybrid().save(path)
    hybrid().save(path)
    assert [p.name for p in tmp_path.iterdir()] == ["s.json"]
    assert Scenario.load(path) == hybrid()


def test_a_failed_save_keeps_the_old_file_and_removes_the_temporary_one(tmp_path, monkeypatch):
    path = tmp_path / "s.json"
    example_scenario().save(path)
    before = path.read_bytes()

    def no_space(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(scenario_module.os, "replace", no_space)
    with pytest.raises(OSError):
        hybrid().save(path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["s.json"]


def test_atomic_write_creates_missing_folders(tmp_path):
    target = tmp_path / "a" / "b" / "c.txt"
    atomic_write_text(target, "hello")
    assert target.read_text() == "hello"
    assert os.listdir(target.parent) == ["c.txt"]


# ----- derived values -----

@pytest.mark.parametrize("pasted", [
    "https://autodiscover.jdskype.net/autodiscover/autodiscover.xml",
    "https://autodiscover.jdskype.net/Autodiscover/Autodiscover.XML",
    "https://autodiscover.jdskype.net/autodiscover/autodiscover.xml/",
])
def test_pasted_xml_url_is_corrected_to_svc_with_a_warning(pasted):
    scenario = example_scenario()
    assert scenario.set("exchange_autodiscover_url", pasted) is None
    assert scenario.oauth_autodiscover_url.lower() == "https://autodiscover.jdskype.net/autodiscover/autodiscover.svc"
    [warning] = scenario.corrections()
    assert "autodiscover.xml" in warning and "code=50043" in warning


def test_svc_url_is_used_as_is_without_a_warning():
    scenario = example_scenario()
    scenario.set("exchange_autodiscover_url", "https://mail.jdskype.net/autodiscover/autodiscover.svc")
    assert scenario.oauth_autodiscover_url == "https://mail.jdskype.net/autodiscover/autodiscover.svc"
    assert scenario.corrections() == []


def test_derived_urls_for_the_field_guide():
    scenario = example_scenario()
    assert scenario.autodiscover_internal_uri == "https://autodiscover.jdskype.net/autodiscover/autodiscover.xml"
    assert scenario.oauth_autodiscover_url == "https://autodiscover.jdskype.net/autodiscover/autodiscover.svc"
    assert scenario.exchange_metadata_url == "https://autodiscover.jdskype.net/autodiscover/metadata/json/1"
    assert scenario.sfb_metadata_url == "https://fe.jdskype.net/metadata/json/1"
    assert scenario.sfb_issuer == "00000004-0000-0ff1-ce00-000000000000@jdskype.net"


def test_exchange_online_always_uses_autodiscover_s():
    scenario = example_scenario()
    scenario.set("exchange", "online")
    scenario.set("exchange_autodiscover_url", "https://autodiscover.jdskype.net/autodiscover/autodiscover.xml")
    assert scenario.oauth_autodiscover_url == EXCHANGE_ONLINE_AUTODISCOVER_URL


def test_autodiscover_name_defaults_from_the_smtp_domain():
    scenario = Scenario()
    scenario.set("smtp_domain", "Contoso.COM")
    assert scenario.effective_autodiscover_fqdn == "autodiscover.contoso.com"


# ----- validation per topology -----

def test_empty_scenario_lists_what_is_required():
    errors = Scenario().errors()
    assert {"sip_domains", "smtp_domain", "exchange_fqdns", "pool_fqdns"} <= set(errors)
    with pytest.raises(ScenarioInvalid) as caught:
        Scenario().require_valid()
    assert "more" in str(caught.value)


def test_tenant_is_required_only_when_the_topology_involves_one():
    scenario = example_scenario()
    assert "tenant_domain" not in scenario.errors()
    scenario.set("sfb", "hybrid")
    assert "tenant_domain" in scenario.errors()


def test_dc_is_required_for_exchange_server_with_sfb_online():
    scenario = example_scenario()
    scenario.update({"sfb": "online", "tenant_domain": "jdskype.onmicrosoft.com"})
    assert "dc_fqdn" in scenario.errors()
    scenario.set("dc_fqdn", "dc01.jdskype.net")
    assert scenario.errors() == {}


def test_test_user_must_be_in_a_sip_domain():
    scenario = example_scenario()
    scenario.set("test_sip_uri", "sip:jeff@elsewhere.example")
    assert "not one of the SIP domains" in scenario.errors()["test_sip_uri"]


def test_realm_must_be_a_sip_domain():
    scenario = example_scenario()
    scenario.set("oauth_realm", "other.example")
    assert "oauth_realm" in scenario.errors()


def test_duplicate_list_values_are_refused():
    scenario = example_scenario()
    assert scenario.set("pool_fqdns", "fe.jdskype.net, FE.jdskype.net") == "The same value is listed twice."


def test_list_values_split_on_commas_semicolons_spaces_and_lines():
    assert split_list("a.com, b.com;c.com\nd.com  e.com") == ["a.com", "b.com", "c.com", "d.com", "e.com"]
    assert split_list(["x", " y "]) == ["x", "y"]


def test_invalid_choice_is_refused_and_topology_falls_back():
    scenario = Scenario()
    assert scenario.set("exchange", "cloud") is not None
    assert scenario.topology_or_default.label == ("Exchange Server Subscription Edition (SE) + Skype for Business "
                                                  "Server Subscription Edition (SE)")


# ----- change notification -----

def test_listeners_hear_each_change_once_and_can_unsubscribe():
    scenario = Scenario()
    heard: list[str] = []
    unsubscribe = scenario.subscribe(heard.append)
    scenario.set("smtp_domain", "contoso.com")
    scenario.set("smtp_domain", "contoso.com")  # no change, no call
    scenario.set("pool_fqdns", "pool01.contoso.com")
    unsubscribe()
    scenario.set("smtp_domain", "fabrikam.com")
    assert heard == ["smtp_domain", "pool_fqdns"]


def test_listeners_are_not_saved(tmp_path):
    scenario = example_scenario()
    scenario.subscribe(lambda name: None)
    path = Path(tmp_path) / "s.json"
    scenario.save(path)
    assert "_listeners" not in path.read_text(encoding="utf-8")


def test_a_version_2_file_with_one_pool_external_web_name_opens_with_a_list(tmp_path):
    """Schema 3 keeps one external web name per pool; a version-2 file's single name becomes a one-item list."""
    path = tmp_path / "v2.json"
    path.write_text(json.dumps({"schema": "sfb-exchange-wizard/scenario", "schema_version": 2, "scenario": {
        "exchange": "server", "exchange_version": "se", "sfb": "hybrid", "sfb_version": "se",
        "sip_domains": ["contoso.com"], "smtp_domain": "contoso.com", "exchange_fqdns": ["ex01.contoso.com"],
        "pool_fqdns": ["pool01.contoso.com"], "tenant_domain": "contoso.onmicrosoft.com",
        "pool_external_web_fqdn": "webext.contoso.com"}}))
    scenario = Scenario.load(path)
    assert scenario.pool_external_web_fqdns == ["webext.contoso.com"]
    assert not scenario.errors()


def test_several_exchange_servers_need_their_load_balanced_name():
    scenario = Scenario()
    scenario.update({"exchange": "server", "exchange_version": "se", "sfb": "server", "sfb_version": "se",
                     "sip_domains": ["contoso.com"], "smtp_domain": "contoso.com",
                     "exchange_fqdns": ["ex01.contoso.com", "ex02.contoso.com"], "pool_fqdns": ["pool01.contoso.com"]})
    assert "load-balanced name" in scenario.errors()["exchange_lb_fqdn"]
    scenario.set("exchange_lb_fqdn", "ex01.contoso.com")
    assert "differ from the servers" in scenario.errors()["exchange_lb_fqdn"]
    scenario.set("exchange_lb_fqdn", "mail.contoso.com")
    assert not scenario.errors()
    assert scenario.settle().exchange_service_fqdn == "mail.contoso.com"


def test_the_test_mailbox_defaults_to_the_sip_address_and_can_differ():
    scenario = Scenario()
    scenario.update({"sip_domains": ["contoso-sip.com"], "test_sip_uri": "sip:ken@contoso-sip.com"})
    assert scenario.test_mailbox_address == "ken@contoso-sip.com"
    assert scenario.set("test_mailbox", "SMTP:kmyer@contoso.com") is None
    assert scenario.test_mailbox == "kmyer@contoso.com" and scenario.test_mailbox_address == "kmyer@contoso.com"
    assert scenario.set("test_mailbox", "not an address") is not None
