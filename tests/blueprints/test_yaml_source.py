"""What the YAML reader hands on: plain Python values with the line of every field.

Two readings exist (yaml_source's docstring says why): libyaml's events for the plain shapes, ruamel's round trip for
everything else. Wherever the fast reading keeps a document, it must give ruamel's data and lines exactly, and it
must never accept a document ruamel refuses.
"""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from blueprints.errors import BlueprintError
from blueprints.yaml_source import _from_events, _round_trip, _RoundTrip, parse_yaml
from meshtest import ALIAS_BOMB, REPO

FILE = Path("x.yaml")
TRICKY_SCALARS = ["0", "-0", "+1", "007", "0o17", "0x1F", "0b101", "1_000", "1__0", "1e3", "1.5e3", "1.5E-3", ".5", "+.5", "1.", "0.",
                  "00", ".inf", "-.inf", ".NaN", ".nan", "yes", "no", "on", "off", "y", "n", "Yes", "TRUE", "True", "tRUE", "null", "NULL",
                  "nUll", "~", "2022-10-03", "2022-1-3", "2022-10-03T10:00:00Z", "2022-10-03 10:00:00.5 +02:00", "12:30", "1:20:30", "<<",
                  "=", "-", "--", "1.0.0", "v3.0.2", "3.0", "10", "-10", "+10.25", "9" * 40, "0.1e", "1e", "e3", "inf", "nan", "0xG",
                  "true false", "12 34", "é", "a # comment"]
STRUCTURES = [
    "a:\n  - x\n  -\n    k: v\n  - - 1\n    - 2\n",
    "a: {b: [1, 2, {c: d}], e: f}\nz: [ ]\ny: { }\n",
    "text: >-\n  folded\n  lines\n\n  kept\nlit: |+\n  keep\n\nnext: |2\n    indented\n",
    "plain: a\n  multi-line\n  plain scalar\nq: \"esc \\u00e9 \\x41 \\t \\/ \\N \\_\"\ns: 'it''s'\n",
    "---\na: 1\n...\n",
    "\ufeffa: 1\r\nb:\r\n  - 2\r\n",
    "# only a comment\n",
    "",
    "- 1\n- two\n",
    "just a scalar\n",
    "a: 1\na: 2\n",
    "a: &x 1\nb: *x\n",
    "base: &b {k: 1}\nc:\n  <<: *b\n  j: 2\n",
    "%YAML 1.1\n---\na: yes\n",
    "%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n",
    "a: !!str 5\nb: !!int '7'\n",
    "? [complex, key]\n: v\n",
    "? a\n: b\n",
    "1: one\n2: two\n",
    "a: 1\n---\nb: 2\n",
    "a: [1, 2\n",
    "a: 1\n\ufeff", "\ufeffa: 1\n", "a: \ufeffb\n",  # a byte order mark is for the start only
    "a: 1\x85b: 2\n", "\x85a: 1\n", "\u2028- x\n", "a: b\u2029\n",  # line breaks of YAML 1.1 only
    "|-\n#\n", "0\n...\n...", "a: 1\n...\n...\n", "a: 1\n...\n",  # a block scalar as the document; document end markers
    "|#\n", "a: |#\n  x\n", "a: >-#\n  x\n", "a: |2#\n  x\n", "a: | #fine\n  x\n", "a: x|#\n",  # a comment needs its space
    "a:\tb\n",
    "a: b: c\n",
    "key with spaces: v\n'quoted key': v\n\"dq\": v\n",
    "a:\n- x\n- y\nb: 1\n",
    "deep: " + "[" * 70 + "]" * 70 + "\n",
    ALIAS_BOMB,
]


def _ruamel(text: str):
    try:
        doc = _round_trip(text, FILE)
    except BlueprintError as exc:
        return ("refused", [f.message for f in exc.findings])
    return (doc.data, doc.index.lines)


def _agree(text: str) -> bool:
    """Whether the fast reading kept the document; when it did, it must be ruamel's reading."""
    try:
        data, lines = _from_events(text)
    except _RoundTrip:
        return False
    expected = _ruamel(text)
    assert expected[0] != "refused", f"the fast reading accepts what ruamel refuses ({expected[1]}):\n{text!r}"
    assert (data, lines) == expected, text
    assert [type(v) for v in _leaves(data)] == [type(v) for v in _leaves(expected[0])], text
    return True


def _leaves(data):
    if isinstance(data, dict):
        for value in data.values():
            yield from _leaves(value)
    elif isinstance(data, list):
        for value in data:
            yield from _leaves(value)
    else:
        yield data


def test_scalars_are_plain_python_types_whatever_ruamel_made_of_them():
    doc = parse_yaml("price: 9.95\nhex: 0x1F\nbig: 1_000\nflag: &f true\nagain: *f\nday: 2022-10-03\n", FILE)
    assert doc.data == {"price": 9.95, "hex": 31, "big": 1000, "flag": True, "again": True, "day": "2022-10-03"}
    assert [type(v) for v in doc.data.values()] == [float, int, int, bool, bool, str]


def test_a_str_tag_gives_the_string_and_any_other_tag_is_named_at_its_line():
    assert parse_yaml("a: !!str 5\n", FILE).data == {"a": "5"}
    with pytest.raises(BlueprintError) as refused:
        parse_yaml("a: 1\nb:\n  c: !custom x\n", FILE)
    [finding] = refused.value.findings
    assert (finding.line, finding.field) == (3, "b.c") and "!custom" in finding.message


def test_every_yaml_file_of_the_repository_reads_the_same_both_ways():
    files = [f for f in REPO.glob("**/*.yaml") if not any(p.startswith(".") for p in f.relative_to(REPO).parts)
             and "{{" not in f.read_text(encoding="utf-8", errors="replace")]
    assert len(files) > 40
    kept = [f for f in files if _agree(f.read_text(encoding="utf-8"))]
    assert len(kept) > 0.8 * len(files), sorted(set(files) - set(kept))  # the fast reading is the common case


@pytest.mark.parametrize("scalar", TRICKY_SCALARS)
@pytest.mark.parametrize("shape", ["k: {}\n", "k: ['{}']\n", "k: \"{}\"\n", "{}: v\n", "- {}\n", "k:\n  - {}\n"])
def test_tricky_scalars_read_as_ruamel_reads_them_or_go_to_ruamel(scalar, shape):
    _agree(shape.replace("{}", scalar))


@pytest.mark.parametrize("text", STRUCTURES)
def test_structures_read_as_ruamel_reads_them_or_go_to_ruamel(text):
    _agree(text)


@pytest.mark.parametrize("text", ["a: &x 1\nb: *x\n", "a: !!str 5\n", "%YAML 1.1\n---\na: yes\n", "a: 1\na: 2\n", "a: 0o17\n",
                                  "k: 2022-10-03\n", "base: &b {k: 1}\nc:\n  <<: *b\n", "a: 1\n---\nb: 2\n", "a: [1, 2\n", ALIAS_BOMB,
                                  "1: one\n", "deep: " + "[" * 70 + "]" * 70 + "\n"])
def test_what_the_fast_reading_leaves_to_ruamel(text):
    with pytest.raises(_RoundTrip):
        _from_events(text)
    expected = _ruamel(text)
    if expected[0] == "refused":
        with pytest.raises(BlueprintError):
            parse_yaml(text, FILE)
    else:
        assert parse_yaml(text, FILE).data == expected[0]


def test_a_refused_document_gets_ruamels_message_and_line():
    with pytest.raises(BlueprintError) as fast:
        parse_yaml("a: 1\nb: [1, 2\nc: 3\n", FILE)
    assert [f.message for f in fast.value.findings] == _ruamel("a: 1\nb: [1, 2\nc: 3\n")[1]


scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                    st.text(alphabet=string.printable + "é", max_size=12), st.sampled_from(TRICKY_SCALARS))
documents = st.recursive(scalars, lambda c: st.one_of(st.lists(c, max_size=4), st.dictionaries(st.text(alphabet=string.ascii_letters + " -_.", min_size=1, max_size=8), c, max_size=4)),
                         max_leaves=25)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents, st.sampled_from([None, True, False]), st.integers(min_value=2, max_value=6))
@example({"a": [1, {"b": "c"}], "d": "e"}, False, 2)
def test_generated_documents_read_the_same_both_ways(data, flow, indent):
    import io

    yaml = YAML(typ="rt")
    yaml.default_flow_style = flow
    yaml.indent(mapping=indent, sequence=indent + 2, offset=indent)
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    _agree(buffer.getvalue())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(list(string.printable) + [": ", "- ", "\n  ", "&a", "*a", "!!", "? ", "é", "---", "...", "'", '"', "|", ">",
                                                           "{", "}", "[", "]", "#", "0x", "1.5", "true", "null", "~",
                                                           "|-", "\r", "\x85", "\u2028", "\ufeff"]), max_size=60).map("".join))
def test_arbitrary_text_is_never_read_differently(text):
    _agree(text)


def test_without_libyaml_every_document_goes_to_ruamel(monkeypatch):
    import blueprints.yaml_source as source

    monkeypatch.setattr(source, "_C_LOADER", None)
    with pytest.raises(_RoundTrip):
        _from_events("a: 1\n")
    assert parse_yaml("a: 1\n", FILE).data == {"a": 1}


@pytest.mark.parametrize("text", ["a: " + "9" * 5000 + "\n", "a: -" + "9" * 5000 + "\n", "a: " + "9" * 5000 + ".5\n", "a:\n  - " + "1" * 4500 + "\n",
                                  "9" * 5000 + ": x\n", "k" * 1500 + ": x\n", "a: " + "x" * 200_000 + "\n"],
                         ids=["long-int", "long-negative-int", "long-decimal", "long-int-in-list", "long-int-key", "long-key", "long-string"])
def test_oversized_scalars_are_findings_or_values_never_a_crash(text):
    _agree(text)
    try:
        parse_yaml(text, FILE)
    except BlueprintError as exc:
        assert exc.findings[0].line == 1 and exc.findings[0].message
