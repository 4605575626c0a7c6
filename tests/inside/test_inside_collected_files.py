"""Collector files load in every encoding Windows PowerShell writes; anything else is refused in one line."""

from __future__ import annotations

import copy
import json
from datetime import timedelta

import pytest

from inside import samples
from wizard.inside.collected import (
    MAX_FILE_BYTES,
    CollectedFileError,
    ExchangeCollection,
    GraphCollection,
    SfbCollection,
    load_collected,
    parse_collected,
    read_collected_file,
)


def _bytes(doc: dict, encoding: str = "utf-8") -> bytes:
    return json.dumps(doc, indent=4).encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_exchange_file_loads_in_utf8_with_or_without_bom_and_utf16(encoding: str) -> None:
    data = _bytes(samples.healthy()["exchange"], encoding)
    if encoding == "utf-16":
        assert data.startswith(b"\xff\xfe")  # Python writes LE with a BOM, as Out-File does
    loaded = parse_collected(data, source="exchange.json")
    assert isinstance(loaded, ExchangeCollection)
    assert loaded.auth_config is not None
    assert loaded.auth_config.current_thumbprint == samples.EXCHANGE_AUTH
    assert {c.server for c in loaded.certificates} == {"ex01.contoso.com", "ex02.contoso.com"}


def test_sfb_and_graph_files_load_into_their_records() -> None:
    sfb = parse_collected(_bytes(samples.healthy()["sfb-fe01"]), source="fe01")
    graph = parse_collected(_bytes(samples.healthy()["graph"]), source="graph")
    assert isinstance(sfb, SfbCollection) and isinstance(graph, GraphCollection)
    assert sfb.computer_fqdn == "fe01.contoso.com"
    assert [c.scope for c in sfb.token_issuer_certificates] == ["local", "global"]
    assert sfb.partner_applications[0].metadata_url == "https://autodiscover.contoso.com/autodiscover/metadata/json/1"
    sp = graph.principal("00000004-0000-0FF1-CE00-000000000000")
    assert sp is not None and {k.thumbprint for k in sp.key_credentials} == {samples.EXCHANGE_AUTH, samples.SFB_OAUTH}


def test_dates_with_seven_fraction_digits_and_z_are_utc() -> None:
    loaded = parse_collected(_bytes(samples.healthy()["exchange"]), source="x")
    assert isinstance(loaded, ExchangeCollection)
    assert loaded.collected_at.utcoffset() == timedelta(0)
    assert loaded.collected_at == samples.FIXED_NOW - timedelta(hours=2)


def test_powershell_51_array_wrapper_and_lone_objects_are_read_as_lists() -> None:
    doc = copy.deepcopy(samples.healthy()["exchange"])
    doc["client_access"] = {"value": doc["client_access"], "Count": 2}
    doc["exchange_servers"] = doc["exchange_servers"][0]
    loaded = parse_collected(_bytes(doc), source="x")
    assert isinstance(loaded, ExchangeCollection)
    assert len(loaded.client_access) == 2
    assert len(loaded.servers) == 1


def test_metadata_url_is_read_from_the_authtoken_text_when_the_property_is_empty() -> None:
    doc = copy.deepcopy(samples.healthy()["sfb-fe01"])
    doc["partner_applications"][0]["AuthToken"] = "MetadataUrl=https://autodiscover.contoso.com/x/metadata/json/1"
    loaded = parse_collected(_bytes(doc), source="x")
    assert isinstance(loaded, SfbCollection)
    assert loaded.partner_applications[0].metadata_url == "https://autodiscover.contoso.com/x/metadata/json/1"


def _error(data: bytes) -> str:
    with pytest.raises(CollectedFileError) as caught:
        parse_collected(data, source="in.json")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("in.json: ")
    return message


def test_truncated_file_is_refused_as_invalid_json() -> None:
    data = _bytes(samples.healthy()["exchange"])
    assert "not valid JSON (truncated?)" in _error(data[: len(data) // 2])


def test_empty_file_is_refused() -> None:
    assert "empty" in _error(b"\xef\xbb\xbf  \r\n")


def test_foreign_json_is_refused_as_not_a_collector_output() -> None:
    scenario_file = samples.scenario().to_json().encode()
    assert "not a collector output" in _error(scenario_file)
    assert "not a collector output" in _error(b"[1, 2, 3]")


def test_unknown_collector_and_newer_schema_are_refused() -> None:
    doc = dict(samples.healthy()["graph"], collector="sharepoint")
    assert "unknown collector 'sharepoint'" in _error(_bytes(doc))
    doc = dict(samples.healthy()["graph"], schema_version=3)
    assert "newer collector" in _error(_bytes(doc))


def test_wrong_types_name_the_json_path() -> None:
    doc = copy.deepcopy(samples.healthy()["exchange"])
    doc["partner_applications"][1]["Enabled"] = "True"
    assert "partner_applications[1].Enabled: expected true or false" in _error(_bytes(doc))


def test_missing_section_names_the_key() -> None:
    doc = copy.deepcopy(samples.healthy()["sfb-fe01"])
    del doc["oauth_token_issuer"]
    assert "missing 'oauth_token_issuer'" in _error(_bytes(doc))


def test_a_date_that_is_not_iso_8601_is_refused() -> None:
    doc = copy.deepcopy(samples.healthy()["exchange"])
    doc["certificates"][0]["NotAfter"] = "/Date(1767225600000)/"
    assert "certificates[0].NotAfter" in _error(_bytes(doc))


def test_binary_and_bomless_utf16_are_refused() -> None:
    assert "not UTF-8 or UTF-16" in _error(b"\x89PNG\r\n\x1a\n\xff\xd8\xff")
    assert "UTF-16 text without a byte order mark" in _error(_bytes(samples.healthy()["graph"], "utf-16-le"))


def test_file_over_16_mib_is_refused_before_parsing(tmp_path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:
        handle.write(b" " * (MAX_FILE_BYTES + 1))
    with pytest.raises(CollectedFileError, match="larger than 16 MiB"):
        read_collected_file(path)


def test_missing_file_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(CollectedFileError, match="cannot read"):
        read_collected_file(tmp_path / "nope.json")


def test_loading_is_all_or_nothing(tmp_path) -> None:
    paths = samples.write(samples.healthy(), tmp_path)
    broken = tmp_path / "broken.json"
    broken.write_text('{"collector": "sfb", "schema_version": 1')
    with pytest.raises(CollectedFileError, match=r"broken\.json"):
        load_collected([*paths, broken])


def test_newest_file_per_front_end_wins_and_every_front_end_is_kept(tmp_path) -> None:
    docs = samples.healthy()
    older = copy.deepcopy(docs["sfb-fe01"])
    older["collected_at"] = samples.iso(samples.FIXED_NOW - timedelta(days=3))
    older["oauth_configuration"]["Realm"] = "old.example"
    paths = samples.write(docs, tmp_path) + samples.write({"sfb-fe01-old": older}, tmp_path)
    data = load_collected(paths)
    assert [s.computer_fqdn for s in data.sfb] == ["fe01.contoso.com", "fe02.contoso.com"]
    assert all(s.oauth_configuration and s.oauth_configuration.realm == "contoso.com" for s in data.sfb)


def test_two_exchange_files_fill_in_each_others_servers(tmp_path) -> None:
    docs = samples.healthy()
    site_a = copy.deepcopy(docs["exchange"])
    site_a["certificates"] = [c for c in site_a["certificates"] if c["Server"] == "ex01.contoso.com"]
    site_b = copy.deepcopy(docs["exchange"])
    site_b["certificates"] = [c for c in site_b["certificates"] if c["Server"] == "ex02.contoso.com"]
    site_b["collected_at"] = samples.iso(samples.FIXED_NOW - timedelta(days=1))
    data = load_collected(samples.write({"a": site_a, "b": site_b}, tmp_path))
    assert data.exchange is not None
    assert {c.server for c in data.exchange.certificates} == {"ex01.contoso.com", "ex02.contoso.com"}
    assert data.exchange.collected_at == samples.FIXED_NOW - timedelta(hours=2)
