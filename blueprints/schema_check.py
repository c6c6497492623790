"""JSON Schema checks with a compiled verdict and python-jsonschema's errors.

python-jsonschema was half of a cold `dmesh validate` (11 ms per ODCS contract, most of it `unevaluatedProperties`).
jsonschema-rs answers "valid or not" in under 0.1 ms. The platform's messages, paths and best-match choices are
python-jsonschema's, and a domain team reads them, so they stay its own: a document the compiled validator accepts
has no errors; one it rejects (or cannot take, such as a mapping with non-string keys) is checked again by
python-jsonschema, which gives the errors, or none. The compiled validator can therefore only make a check faster,
never stricter; tests/blueprints/test_schema_check.py holds both to the same verdict on every contract and descriptor
the tests know and on thousands of damaged ones, so it cannot make one laxer either.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import jsonschema_rs

if TYPE_CHECKING:  # python-jsonschema (27 ms to import) loads with the first document the compiled validator rejects
    from jsonschema import Draft201909Validator
    from jsonschema.exceptions import ValidationError


class SchemaCheck:
    """One JSON Schema (draft 2019-09), compiled once per process by its owner (a `functools.cache`d factory)."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        self.schema = dict(schema)
        # formats are annotations in 2019-09, as python-jsonschema treats them without a format checker;
        # offline: a $ref to another document is never fetched
        self._fast = jsonschema_rs.Draft201909Validator(self.schema, validate_formats=False, offline=True)
        self._full: Draft201909Validator | None = None

    def accepts(self, instance: Any) -> bool | None:
        """The compiled verdict; None when the compiled validator cannot take the instance."""
        try:
            return bool(self._fast.is_valid(instance))
        except (ValueError, TypeError, OverflowError, RecursionError):
            return None

    def errors(self, instance: Any) -> list[ValidationError]:
        if self.accepts(instance):
            return []
        if self._full is None:
            from jsonschema import Draft201909Validator

            self._full = Draft201909Validator(self.schema)
        return list(self._full.iter_errors(instance))
