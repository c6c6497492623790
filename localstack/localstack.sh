#!/usr/bin/env bash
# Start, stop or inspect LocalStack for offline tests: host mode when Docker is not available.
# Usage: localstack/localstack.sh start|stop|status   (same as `dmesh local ...`; run `make setup` first)
set -euo pipefail
exec "$(cd "$(dirname "$0")/.." && pwd)/.venv/bin/dmesh" local "${1:-status}"
