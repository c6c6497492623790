"""Forking is for Linux, can be switched off, and is unsafe while another thread runs."""

from __future__ import annotations

import sys
import threading

import pytest

from dmesh import forking


def test_forking_is_switched_off_by_the_environment(monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    assert forking.forking_available()
    monkeypatch.setenv(forking.SWITCH, "0")
    assert not forking.forking_available() and not forking.forking_safe()


@pytest.mark.parametrize("platform", ["darwin", "win32"])
def test_forking_is_for_linux(monkeypatch, platform):
    monkeypatch.setattr(sys, "platform", platform)
    assert not forking.forking_available()


def test_forking_is_unsafe_while_another_thread_runs(monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.delenv(forking.SWITCH, raising=False)
    assert forking.forking_safe() is (threading.active_count() == 1)
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert not forking.forking_safe()
    finally:
        release.set()
        other.join()
