#!/usr/bin/env bash
# Load test of the shared history (not in CI): a PostgreSQL server started
# for it (Debian's postgresql package; as root it runs as nobody), 32
# writers with a connection pool each, as 32 CI machines, each recording 50
# runs of 200 groups (one in ten flaky). Prints rows per second and checks
# that nothing was lost.
# Usage: bash scripts/history-load.sh [writers] [runs] [groups]
set -euo pipefail
cd "$(dirname "$0")/.."
go run ./internal/testutil/historyload -writers "${1:-32}" -runs "${2:-50}" -groups "${3:-200}"
