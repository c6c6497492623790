"""Refuse bad values before anything is written; cookiecutter then removes the new folder.

Runs inside the folder cookiecutter is creating (<output>/<domain>), with the Python that runs
cookiecutter: the platform's virtualenv, where `blueprints.onboarding` defines what is valid.
"""

import json
import sys
from pathlib import Path

# The values arrive as one JSON string literal (a JSON string is a valid Python string literal): whatever
# a value holds, it stays data and can never become code here.
CONTEXT = json.loads({{ cookiecutter | tojson | tojson }})
VALUES = {key: str(CONTEXT.get(key, "")) for key in ("domain", "owner", "cost_center", "preset", "product", "classification")}

try:
    from blueprints.onboarding import problems
except ImportError:
    print("ERROR: the dmesh blueprints package is not importable: run cookiecutter from the platform's virtualenv "
          "(.venv/bin/cookiecutter)", file=sys.stderr)
    sys.exit(1)

found = problems(VALUES)
# cookiecutter refuses an existing output folder itself; with --overwrite-if-exists it would generate
# into it, so an existing domain is refused here too: a domain is never overwritten.
if (Path.cwd() / "domain.yaml").exists():
    found.append(f"domain {VALUES['domain']!r} already exists in {Path.cwd()}; a domain is never overwritten")
for problem in found:
    print(f"ERROR: {problem}", file=sys.stderr)
sys.exit(1 if found else 0)
