#!/usr/bin/env bash
# Side-by-side benchmark of the mock against Prism, Steady and a raw net/http floor, and of
# the mock in Connect's binary codec and gRPC beside its JSON path.
# Installs what it needs (wrk and h2load from Debian, the peers from npm into bench/cache), builds the
# mock and the floor, then runs bench/harness, which writes bench/results/<date>.{md,svg,tsv}.
#   bench/run.sh                      # 3 rounds of 10 s per measurement (about 5 minutes)
#   ROUNDS=5 DURATION=20s bench/run.sh
#   ONLY=mock,floor bench/run.sh      # a subset, e.g. while optimising (mock-proto, mock-grpc: the protocols)
#   BASELINE=a8afa08 bench/run.sh     # also the mock as built at that revision (before/after)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"
CACHE=bench/cache
mkdir -p "$CACHE"

if ! command -v wrk >/dev/null 2>&1 || ! command -v taskset >/dev/null 2>&1 || ! command -v h2load >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk util-linux nghttp2-client >/dev/null
fi
if [ -z "${ONLY:-}" ] || [[ "${ONLY}" == *steady* || "${ONLY}" == *prism* ]]; then
  if [ ! -x "$CACHE/node_modules/.bin/prism" ] || [ ! -x "$CACHE/node_modules/.bin/steady" ]; then
    npm install --no-audit --no-fund --prefix "$CACHE" @stoplight/prism-cli@5.14.2 @stdy/cli@0.22.2 >/dev/null
  fi
fi
go build -trimpath -o "$CACHE/mock" ./cmd/mock
go build -trimpath -o "$CACHE/floor" ./bench/floor
if [ -n "${BASELINE:-}" ]; then
  rm -rf "$CACHE/baseline-src"
  git worktree add --detach "$CACHE/baseline-src" "$BASELINE" >/dev/null
  (cd "$CACHE/baseline-src" && go build -trimpath -o "$PWD/../mock-baseline" ./cmd/mock)
  git worktree remove --force "$CACHE/baseline-src"
  if [ -n "${ONLY:-}" ]; then ONLY="$ONLY,baseline"; fi
fi
go run ./bench/harness -rounds "${ROUNDS:-3}" -duration "${DURATION:-10s}" -cache "$CACHE" -out bench/results \
  -only "${ONLY:-}" -baseline "${BASELINE:-}"
