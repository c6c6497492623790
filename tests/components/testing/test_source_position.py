"""A capture finds each resource's source position as the SDK does, without the SDK's whole-stack capture."""

from __future__ import annotations

import threading

import pulumi_aws as aws
import pytest
from pulumi.runtime import resource as sdk_resource

from components.testing import MeshMocks, capture_program, run_project
from components.testing import source_position
from dmesh.review.project import load_project
from meshtest import EXAMPLE_MESH, REPO

SDK_STACK_TRACE = sdk_resource._get_stack_trace
FIRST_FRAME = source_position.first_frame


@pytest.fixture
def compared(monkeypatch) -> list[tuple[object, object]]:
    """Every stack trace a capture asks for, as ours and as the SDK's, taken at the same call."""
    pairs: list[tuple[object, object]] = []

    def both():
        ours, sdk = FIRST_FRAME(), SDK_STACK_TRACE()
        pairs.append((list(ours.frames), list(sdk.frames[:1])))
        return ours

    monkeypatch.setattr(source_position, "first_frame", both)
    return pairs


@pytest.mark.parametrize("domain", sorted(p.name for p in EXAMPLE_MESH.iterdir() if (p / "Pulumi.yaml").is_file()))
def test_every_resource_of_an_example_domain_gets_the_sdks_source_position(domain, compared):
    project = load_project(EXAMPLE_MESH / domain, "dev")
    registrations = run_project(project.main_dir, project=project.name, stack="dev", mocks=MeshMocks(), config=project.config)
    assert len(compared) >= len(registrations) > 20
    assert all(ours == sdk for ours, sdk in compared)
    assert all(r.source_file.startswith(str(REPO)) and r.source_line > 0 for r in registrations)


def test_a_resource_declared_in_the_program_points_at_the_program(compared):
    captured = capture_program(lambda: aws.s3.BucketV2("raw"), project="p")
    [bucket] = captured.registrations
    assert (bucket.source_file, bucket.source_line) == (__file__, test_a_resource_declared_in_the_program_points_at_the_program.__code__.co_firstlineno + 1)
    assert compared and all(ours == sdk for ours, sdk in compared)


def test_a_stack_without_three_constructors_gives_no_position_as_the_sdk_does():
    answers = []
    thread = threading.Thread(target=lambda: answers.append((list(FIRST_FRAME().frames), list(SDK_STACK_TRACE().frames))))
    thread.start()  # a fresh thread's stack holds no constructor at all
    thread.join()
    assert answers == [([], [])]


def test_the_sdks_own_function_is_back_after_a_capture_even_a_failed_one():
    capture_program(lambda: aws.s3.BucketV2("raw"), project="p")
    assert sdk_resource._get_stack_trace is SDK_STACK_TRACE

    def failing():
        raise RuntimeError("the program fails")

    with pytest.raises(Exception, match="the program fails"):
        capture_program(failing, project="p")
    assert sdk_resource._get_stack_trace is SDK_STACK_TRACE
