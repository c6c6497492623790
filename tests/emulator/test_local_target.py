"""The local target: `dmesh local start`'s moto server serves Glue where the local stack config points it."""

from __future__ import annotations

import socket

import pytest

from dmesh.local import MotoServer
from dmesh.local_config import Emulators
from harness import Applier, client_factory

GLUE = frozenset({"aws:glue/catalogDatabase:CatalogDatabase", "aws:glue/catalogTable:CatalogTable"})


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def moto_server(tmp_path):
    server = MotoServer(f"http://127.0.0.1:{_free_port()}", tmp_path)
    assert server.start(lambda _msg: None) is True
    yield server
    assert server.stop(lambda _msg: None) is True
    assert not server.healthy() and server.running_pid() is None


def test_the_example_catalog_applies_to_the_moto_server_the_local_config_names(moto_server, localstack, example_mesh):
    _, captured = example_mesh
    endpoints = Emulators(localstack, moto_server.endpoint).endpoints()
    assert endpoints["glue"] == moto_server.endpoint and endpoints["s3"] == localstack
    factories = {url: client_factory(url) for url in set(endpoints.values())}
    applier = Applier(lambda service: factories[endpoints[service]](service))
    glue_regs = [r for regs in captured.values() for r in regs if r.type in GLUE]
    applier.apply_all(sorted(glue_regs, key=lambda r: r.type != "aws:glue/catalogDatabase:CatalogDatabase"))
    glue = client_factory(moto_server.endpoint)("glue")
    databases = {d["Name"] for d in glue.get_databases()["DatabaseList"]}
    assert {"dm_sales", "dm_marketing", "dm_ml_features"} <= databases
    tables = {t["Name"] for t in glue.get_tables(DatabaseName="dm_sales")["TableList"]}
    assert {"orders", "customers", "store_locations"} <= tables


def test_a_second_start_uses_the_running_server_and_a_stranger_pid_is_never_killed(moto_server, tmp_path):
    assert moto_server.start(lambda _msg: None) is False  # already answering: used as is
    stranger = MotoServer("http://127.0.0.1:1", tmp_path / "other")
    (tmp_path / "other").mkdir()
    stranger.pid_file.write_text("1")
    assert stranger.running_pid() is None and stranger.stop(lambda _msg: None) is False
