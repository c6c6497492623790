"""Where a resource was declared, found without the SDK capturing the whole stack.

For every resource, the SDK records the full Python stack below the constructor of the concrete resource class
(`pulumi.runtime.resource._get_stack_trace`: `traceback.extract_stack`, which reads each frame's source line, then a
file URI per frame through pathlib). Under mocks that is about a tenth of a domain program's time, and all a
capture keeps of it is the first frame: the source position (`Registration.source_file` and `source_line`), which
`dmesh preview` uses to point at the program when a resource has no product.

`first_frame_only()` swaps in, for the length of a capture only, a function that walks the frames itself and
returns that first frame alone. It finds it by the SDK's own rule (the frame that called the third `__init__` from
the top: Resource, then CustomResource or ComponentResource, then the concrete class).
tests/components/testing/test_source_position.py holds it to the SDK's source position at every resource of the
example domains, so an SDK that changes the rule fails there. A real `pulumi up` never runs this: the language host
runs the program, not a capture.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from types import FrameType

from pulumi.runtime import resource as sdk_resource
from pulumi.runtime.proto import source_pb2

INITS_TO_SKIP = 3


@cache
def _uri(filename: str) -> str | None:
    try:
        return Path(filename).as_uri()  # as the SDK does: a relative or empty name has no URI
    except ValueError:
        return None


def _declaring_frame(frame: FrameType | None) -> FrameType | None:
    seen = 0
    while frame is not None and seen < INITS_TO_SKIP:
        if frame.f_code.co_name == "__init__":
            seen += 1
        frame = frame.f_back
    return frame


def first_frame() -> source_pb2.StackTrace:
    """The SDK's stack trace cut to its first frame, the one its source position is taken from."""
    frame = _declaring_frame(sys._getframe(1))
    if frame is None:
        return source_pb2.StackTrace()
    uri = _uri(frame.f_code.co_filename) if frame.f_code.co_filename else None
    position = source_pb2.SourcePosition(uri=uri, line=frame.f_lineno) if uri and frame.f_lineno is not None else None
    return source_pb2.StackTrace(frames=[source_pb2.StackFrame(pc=position)])


@contextmanager
def first_frame_only() -> Iterator[None]:
    """Inside: every resource's stack trace is `first_frame()`; afterwards the SDK's own function is back."""
    sdk = getattr(sdk_resource, "_get_stack_trace", None)
    if sdk is None:  # an SDK without it: nothing to replace, the capture runs as the SDK does
        yield
        return
    sdk_resource._get_stack_trace = first_frame
    try:
        yield
    finally:
        sdk_resource._get_stack_trace = sdk
