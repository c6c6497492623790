"""Every URN recorded at the last release is still answered for: by the same URN or by an alias that claims it.

The record is `tests/data/release-urns.json`, written at a release with
`dmesh upgrade urns domain_stacks -o tests/data/release-urns.json`. A refactor that moves or renames a child
without an alias fails here, naming the resources Pulumi would delete.
"""

from __future__ import annotations

import json

from blueprints import domain_folders
from dmesh.upgrade.snapshot import capture
from dmesh.upgrade.urns import missing
from meshtest import EXAMPLE_MESH, REPO

RECORD = REPO / "tests" / "data" / "release-urns.json"


def test_every_released_urn_is_still_answered_for():
    recorded = json.loads(RECORD.read_text(encoding="utf-8"))
    snapshots = capture(domain_folders(EXAMPLE_MESH))
    assert {d: e for d, (_, e) in snapshots.items() if e} == {}
    assert set(recorded) <= set(snapshots), "a released domain is gone from the example mesh"
    assert missing(recorded, snapshots) == {}


def test_a_dropped_urn_is_reported():
    recorded = json.loads(RECORD.read_text(encoding="utf-8"))
    snapshots = capture([EXAMPLE_MESH / "sales"])
    registrations, error = snapshots["sales"]
    victim = next(r for r in registrations if r["type"] == "aws:s3/bucket:Bucket")
    kept = [r for r in registrations if r is not victim]
    identities = {victim["urn"], *victim["aliases"]}
    assert missing({"sales": recorded["sales"]}, {"sales": (kept, error)}) == {"sales": [u for u in recorded["sales"] if u in identities]}
    assert len(missing({"sales": recorded["sales"]}, {"sales": (kept, error)})["sales"]) == 1
