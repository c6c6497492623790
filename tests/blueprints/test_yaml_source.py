"""What the YAML reader hands on: plain Python values with the line of every field."""

from __future__ import annotations

from pathlib import Path

from blueprints.yaml_source import parse_yaml


def test_scalars_are_plain_python_types_whatever_ruamel_made_of_them():
    doc = parse_yaml("price: 9.95\nhex: 0x1F\nbig: 1_000\nflag: &f true\nagain: *f\nday: 2022-10-03\n", Path("x.yaml"))
    assert doc.data == {"price": 9.95, "hex": 31, "big": 1000, "flag": True, "again": True, "day": "2022-10-03"}
    assert [type(v) for v in doc.data.values()] == [float, int, int, bool, bool, str]
