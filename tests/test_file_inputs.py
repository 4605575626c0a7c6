"""Files are input from outside: scenario files, collector outputs and saved metadata documents never crash.

A scenario or collected file nested 100,000 deep used to end export, verify and analyze with a
RecursionError traceback (exit 1); a 5,000-digit number with a ValueError. Now every file goes
through the safe JSON loader, and the CLI answers bad input the one way it promises: exit 2 and one
line on stderr naming the file and the problem. Hypothesis puts any JSON value (the wrong type) in
every field of each kind of file.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from inside import certs, samples

from wizard.fields import FIELDS, Kind
from wizard.inside.analysis import analyze
from wizard.inside.collected import CollectedFileError, combine, parse_collected
from wizard.inside.published import MetadataDocumentError, PublishedDocument, parse_metadata_document
from wizard.scenario import SCHEMA, Scenario, ScenarioFileError, example_scenario

ROOT = Path(__file__).resolve().parents[1]
NOW = samples.FIXED_NOW
DEEP = "[" * 100_000 + "]" * 100_000
HUGE = "9" * 5000
FAST = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
EXAMPLES = {"scenario-values": 300, "scenario-bytes": 200, "collected-values": 200, "metadata-files": 200}

leaves = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
          | st.text(max_size=24))
json_values = st.recursive(leaves, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=16)


def one_line(text: str) -> bool:
    return bool(text) and "\n" not in text.strip() and "Traceback" not in text


# ------------------------------------------------------------------------------------------ scenario files
def envelope(body: Any) -> str:
    return json.dumps({"schema": SCHEMA, "schema_version": 1, "scenario": body})


@pytest.mark.parametrize(("text", "words"), [
    (DEEP, "nested too deeply (more than 64 levels of lists and objects)"),
    ('{"schema": "sfb-exchange-wizard/scenario", "schema_version": ' + HUGE + "}", "a number 5,000 digits long"),
    ('{"schema": "sfb-exchange-wizard/scenario", "schema_version": NaN}', "holds NaN"),
    ('{"schema": "x", "schema": "sfb-exchange-wizard/scenario", "schema_version": 1, "scenario": {}}',
     "gives the key 'schema' twice"),
    ('{"schema": "sfb-exchange-wizard/scenario", "schema_version": 1, "scenario": {', "not valid JSON"),
])
def test_scenario_files_no_wizard_writes_are_named(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "scenario.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioFileError) as caught:
        Scenario.load(path)
    assert str(path) in str(caught.value) and words in str(caught.value) and one_line(str(caught.value))


@settings(max_examples=EXAMPLES["scenario-values"], **FAST)
@given(st.dictionaries(st.sampled_from([f.name for f in FIELDS] + ["unknown"]),
                       json_values | st.lists(st.text(max_size=30), max_size=3) | st.text(max_size=60), max_size=6))
def test_any_value_in_any_scenario_field_loads_or_is_a_file_error(body: dict[str, Any]) -> None:
    try:
        scenario = Scenario.from_json(envelope(body))
    except ScenarioFileError as exc:
        assert one_line(str(exc))
        return
    for spec in FIELDS:  # what loaded has the types the rest of the wizard relies on
        value = getattr(scenario, spec.name)
        assert isinstance(value, list if spec.kind is Kind.LIST else str)
    scenario.errors()


@settings(max_examples=EXAMPLES["scenario-bytes"], **FAST)
@given(st.binary(max_size=300) | st.sampled_from([DEEP.encode(), HUGE.encode(), b"\xef\xbb\xbf" + DEEP.encode()]))
def test_any_bytes_as_a_scenario_file_load_or_are_a_file_error(tmp_path_factory: pytest.TempPathFactory,
                                                               data: bytes) -> None:
    path = tmp_path_factory.mktemp("scenario") / "scenario.json"
    path.write_bytes(data)
    try:
        Scenario.load(path)
    except ScenarioFileError as exc:
        assert str(path) in str(exc) and one_line(str(exc))


# ------------------------------------------------------------------------------------------ collected files
def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a document: each key's value and each list item, containers included."""
    found: list[tuple[Any, ...]] = [prefix] if prefix else []
    if isinstance(doc, dict):
        found += [p for k, v in doc.items() for p in _paths(v, (*prefix, k))]
    elif isinstance(doc, list):
        found += [p for i, v in enumerate(doc) for p in _paths(v, (*prefix, i))]
    return found


HEALTHY = samples.healthy()
PLACES = [(name, path) for name, doc in HEALTHY.items() for path in _paths(doc)]


@pytest.mark.parametrize(("text", "words"), [
    (DEEP, "nested too deeply"),
    ('{"collector": "exchange", "schema_version": ' + HUGE + "}", "a number 5,000 digits long"),
    ('{"collector": "exchange", "schema_version": Infinity}', "holds Infinity"),
    ('{"collector": "sfb", "collector": "exchange", "schema_version": 1}', "gives the key 'collector' twice"),
    ('{"collector": {"a": [1, 2, 3]}, "schema_version": 1}', "unknown collector (an object)"),
])
def test_collected_files_no_collector_writes_are_named(text: str, words: str) -> None:
    with pytest.raises(CollectedFileError) as caught:
        parse_collected(text.encode("utf-8"), source="exchange.json")
    assert "exchange.json" in str(caught.value) and words in str(caught.value) and one_line(str(caught.value))


def test_a_deep_utf16_collected_file_is_named_too() -> None:
    with pytest.raises(CollectedFileError, match="nested too deeply"):
        parse_collected(b"\xff\xfe" + DEEP.encode("utf-16-le"), source="sfb.json")


@settings(max_examples=EXAMPLES["collected-values"], **FAST)
@given(st.sampled_from(PLACES), json_values)
def test_any_value_anywhere_in_a_collected_file_is_read_or_refused_in_one_line(place: tuple[str, tuple[Any, ...]],
                                                                              value: Any) -> None:
    name, path = place
    docs = copy.deepcopy(HEALTHY)
    target: Any = docs[name]
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    try:
        data = combine(parse_collected(json.dumps(d).encode(), source=n) for n, d in docs.items())
    except CollectedFileError as exc:
        assert one_line(str(exc))
        return
    analyze(data, samples.scenario("hybrid"), now=NOW)


# ------------------------------------------------------------------------------------------ saved metadata documents
@pytest.mark.parametrize(("data", "words"), [
    (DEEP.encode(), "nested too deeply"),
    (b'{"serviceName": "x", "keys": [], "version": ' + HUGE.encode() + b"}", "a number 5,000 digits long"),
    (b'{"serviceName": "00000004-0000-0ff1-ce00-000000000000", "keys": "MIIB", "realm": 7}', "'keys' is text"),
])
def test_saved_metadata_documents_no_server_writes_are_named(data: bytes, words: str) -> None:
    with pytest.raises(MetadataDocumentError) as caught:
        parse_metadata_document(data, source="pool01-metadata.json")
    assert "pool01-metadata.json" in str(caught.value) and words in str(caught.value)


@settings(max_examples=EXAMPLES["metadata-files"], **FAST)
@given(st.binary(max_size=200) | json_values.map(lambda v: json.dumps(v).encode())
       | st.sampled_from([certs.sfb_metadata(certs.make_der("contoso.com", NOW))]))
def test_any_saved_metadata_document_is_read_or_refused(data: bytes) -> None:
    try:
        assert isinstance(parse_metadata_document(data, source="saved.json"), PublishedDocument)
    except MetadataDocumentError as exc:
        assert "saved.json" in str(exc) and one_line(str(exc))


# ------------------------------------------------------------------------------------------ the command line
def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "wizard", *args], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=60, check=False)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {"deep": tmp_path / "deep.json", "huge": tmp_path / "huge.json", "good": tmp_path / "good.json"}
    paths["deep"].write_text(DEEP, encoding="utf-8")
    paths["huge"].write_text('{"schema": "sfb-exchange-wizard/scenario", "schema_version": ' + HUGE + "}",
                             encoding="utf-8")
    example_scenario().save(paths["good"])
    return paths


@pytest.mark.parametrize(("command", "bad", "words"), [
    (["export", "--scenario", "{deep}", "--out", "{out}"], "deep", "nested too deeply"),
    (["export", "--scenario", "{huge}", "--out", "{out}"], "huge", "a number 5,000 digits long"),
    (["verify", "--scenario", "{deep}"], "deep", "nested too deeply"),
    (["analyze", "--scenario", "{deep}", "{good}"], "deep", "nested too deeply"),
    (["analyze", "--scenario", "{good}", "{deep}"], "deep", "this is not a collector output"),
    (["analyze", "--scenario", "{good}", "--metadata", "{deep}", "{good}"], "deep", "nested too deeply"),
])
def test_cli_answers_a_deep_or_huge_file_with_exit_2_and_one_line(files: dict[str, Path], tmp_path: Path,
                                                                  command: list[str], bad: str, words: str) -> None:
    names = {**{k: str(v) for k, v in files.items()}, "out": str(tmp_path / "out")}
    done = run_cli(*(part.format(**names) for part in command))
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert str(files[bad]) in lines[0] and words in lines[0]
    assert not (tmp_path / "out").exists()
