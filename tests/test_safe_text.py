"""safe_text: whatever a server or a collected file sends, each form leaves nothing hidden and reads as sent."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest
from hostile_text import HOSTILE, hidden_in
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from wizard.probes.result import Evidence, ProbeResult, Status, Subject, SubjectKind
from wizard.safe_text import (
    ELLIPSIS,
    clean_block,
    clean_line,
    clean_result,
    hidden_characters,
    html_escape,
    indented_block,
    is_hidden,
    markdown_escape,
    shown,
)
from wizard.topology import Phase

PLAIN = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Zl", "Zp"),
                                      blacklist_characters="\ufffe\uffff"), max_size=40)


@settings(max_examples=400)
@given(HOSTILE)
def test_clean_line_is_one_line_with_nothing_hidden(text: str) -> None:
    line = clean_line(text)
    assert hidden_in(line) == []
    assert len(line.splitlines()) <= 1
    assert clean_line(line) == line  # cleaning twice changes nothing
    line.encode("utf-8")  # lone surrogates were replaced, so it can be written anywhere


@settings(max_examples=400)
@given(HOSTILE)
def test_clean_block_keeps_only_newlines_and_tabs(text: str) -> None:
    block = clean_block(text)
    assert hidden_in(block, allowed="\n\t") == []
    assert "\r" not in block and "\x1b" not in block
    assert clean_block(block) == block


@settings(max_examples=300)
@given(HOSTILE)
def test_indented_block_never_starts_a_line_at_the_margin(text: str) -> None:
    lines = ("Detail: " + indented_block(text, " " * 8)).split("\n")
    assert lines[0].startswith("Detail: ")
    assert all(line.startswith(" " * 8) for line in lines[1:])
    assert all(hidden_in(line, allowed="\t") == [] for line in lines)


@settings(max_examples=300)
@given(PLAIN)
def test_text_with_nothing_hidden_is_left_as_it_is(text: str) -> None:
    assert clean_line(text) == text
    assert clean_block(text) == text
    assert shown(text) == text


def test_whole_escape_sequences_go_and_line_breaks_become_spaces() -> None:
    assert clean_line("a\x1b[2Jb\x1b[1;31mc\x1b[0m\x9b2Kd") == "abcd"
    assert clean_line("realm\r\nRemove-Item C:\\") == "realm Remove-Item C:\\"
    assert clean_line("a\nb\rc\u2028d\x85e\tf") == "a b c d e f"
    assert clean_line("exe.\u202egpj\u200b\u200d\ufeff\u2066x\u2069") == "exe.gpjx"
    assert clean_line("\x00\x07\x08\x7f\x1bc") == "c"
    assert clean_line("a\ud800b") == "a\ufffdb"
    assert clean_block("one\r\ntwo\rthree\u2029four\x1b[2J") == "one\ntwo\nthree\nfour"


@pytest.mark.parametrize(("text", "expected"), [
    ("contoso.com\r\n", "contoso.com\\r\\n"),
    ("a\x00b", "a\\x00b"),
    ("\x1b[2J", "\\x1b[2J"),
    ("C:\\certs\\\u202egpj.exe", "C:\\certs\\\\u202egpj.exe"),
    ("zero\u200bwidth\ufeff", "zero\\u200bwidth\\ufeff"),
    ("tag\U000e0041", "tag\\U000e0041"),
    ("del\x7f c1\x9b", "del\\x7f c1\\x9b"),
    ("tab\there", "tab\\there"),
])
def test_shown_writes_hidden_characters_out(text: str, expected: str) -> None:
    assert shown(text) == expected


@settings(max_examples=400)
@given(HOSTILE)
def test_shown_is_one_line_that_names_every_hidden_character(text: str) -> None:
    visible = shown(text)
    assert hidden_in(visible) == []
    assert len(visible.splitlines()) <= 1
    for char in hidden_characters(text):
        code = ord(char)
        names = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
        token = names.get(char) or (f"\\x{code:02x}" if code <= 0xFF else
                                    f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        assert token in visible


@settings(max_examples=200)
@given(HOSTILE, st.integers(min_value=1, max_value=30))
def test_limits_cut_with_an_ellipsis(text: str, limit: int) -> None:
    for cut in (clean_line(text, limit=limit), clean_block(text, limit=limit)):
        assert len(cut) <= limit
    if len(clean_line(text)) > limit:
        assert clean_line(text, limit=limit).endswith(ELLIPSIS)
    assert shown("x" * 100, limit=10) == "x" * 9 + ELLIPSIS


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)


@settings(max_examples=400)
@given(HOSTILE)
def test_html_escape_leaves_no_markup_and_reads_as_the_cleaned_text(text: str) -> None:
    escaped = html_escape(text)
    assert not set("<>\"'") & set(escaped)
    assert hidden_in(escaped, allowed="\n\t") == []
    assert html.unescape(escaped) == clean_block(text)
    page = _Tags()
    page.feed(f'<p title="{escaped}">{escaped}</p>')
    assert page.tags == ["p"]


_MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])
_FORMATTING = re.compile(r"<(?!/?(?:p|table|thead|tbody|tr|th|td)\b)[a-z]")


def _as_shown(text: str) -> str:
    return " ".join(clean_line(text).split())


@settings(max_examples=400)
@given(HOSTILE)
def test_markdown_escape_renders_as_plain_text(text: str) -> None:
    rendered = _MARKDOWN.render(markdown_escape(text)).strip()
    expected = _as_shown(text)
    if not expected:
        assert rendered == ""
        return
    assert not _FORMATTING.search(rendered), rendered  # no heading, list, quote, emphasis, code, link, image, HTML
    assert rendered.startswith("<p>") and rendered.endswith("</p>"), rendered
    assert html.unescape(rendered[3:-4]) == expected


@settings(max_examples=300)
@given(HOSTILE, HOSTILE)
def test_markdown_table_keeps_its_columns(left: str, right: str) -> None:
    table = f"| {markdown_escape(left)} | {markdown_escape(right)} |\n|---|---|\n| a | b |\n"
    rendered = _MARKDOWN.render(table)
    assert "<table>" in rendered, table  # a header with an extra cell would not match the delimiter row
    cells = re.findall(r"<th>(.*?)</th>", rendered, flags=re.DOTALL)
    assert [html.unescape(c) for c in cells] == [_as_shown(left), _as_shown(right)]
    assert not _FORMATTING.search(rendered)


def test_markdown_escape_examples() -> None:
    assert markdown_escape("a|b") == "a\\|b"
    assert markdown_escape("*bold* _it_ `code` ~~s~~") == "\\*bold\\* \\_it\\_ \\`code\\` \\~\\~s\\~\\~"
    assert markdown_escape("# title") == "\\# title"
    assert markdown_escape("1. item") == "1\\. item"
    assert markdown_escape("<img src=x onerror=alert(1)>") == "\\<img src=x onerror=alert(1)>"
    assert markdown_escape("C:\\certs\\new.cer") == "C:\\certs\\new.cer"  # a backslash before a letter is literal
    assert markdown_escape("R&D &amp;") == "R&D \\&amp;"
    assert markdown_escape("two\r\nlines\u202e") == "two lines"


@settings(max_examples=200)
@given(HOSTILE)
def test_clean_result_cleans_every_text_field(text: str) -> None:
    result = ProbeResult(id="oauth.realm", phase=Phase.OAUTH, status=Status.FAIL, title=f"Realm {text}",
                         detail=f"detail {text}\nsecond line", remediation=f"Set-X {text}",
                         evidence=(Evidence(f"label {text}", f"value {text}"),), target=f"host {text}",
                         tags=(f"pool:{text}",), subjects=(Subject(SubjectKind.HOST, text),))
    clean = clean_result(result)
    for line in (clean.title, clean.target, *clean.tags, *(s.value for s in clean.subjects),
                 *(e.label for e in clean.evidence)):
        assert hidden_in(line) == []
    for block in (clean.detail, clean.remediation, *(e.value for e in clean.evidence)):
        assert hidden_in(block, allowed="\n\t") == []
    assert clean.detail.endswith("\nsecond line")
    assert (clean.id, clean.status, clean.phase) == (result.id, result.status, result.phase)


def test_clean_result_caps_a_server_sized_title() -> None:
    result = ProbeResult(id="x", phase=Phase.OAUTH, status=Status.ERROR, title="A" * 100_000, detail="B" * 100_000)
    clean = clean_result(result)
    assert len(clean.title) <= 500 and clean.title.endswith(ELLIPSIS)
    assert len(clean.detail) <= 20_000


def test_hidden_means_controls_format_characters_separators_and_surrogates() -> None:
    for char in "\x00\x1b\r\n\t\x7f\x85\x9b\u202a\u202e\u2066\u2069\u200e\u200f\u061c\u200b\u200d\u2060\ufeff" \
                "\u2028\u2029\ud800\ufffe":
        assert is_hidden(char), repr(char)
    for char in "a \u00e9\u4e2d\u2019\u00a0\ufffd":
        assert not is_hidden(char), repr(char)
