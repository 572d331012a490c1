#!/usr/bin/env bash
# Lints the public protobuf contracts under protos/ with buf (config:
# protos/buf.yaml). buf is pinned in tools/buf/package.json and installed with
# `npm ci` on first use (needs network access to the npm registry once).
# Usage: scripts/buf-lint.sh [extra buf lint flags, e.g. --error-format=json]
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
buf="${repo}/tools/buf/node_modules/.bin/buf"

if [[ ! -x "${buf}" ]]; then
  echo "buf-lint: installing the pinned buf CLI into tools/buf/node_modules" >&2
  npm ci --prefix "${repo}/tools/buf" --no-audit --no-fund >&2
fi

# buf resolves buf.yaml and import paths relative to the module root.
cd "${repo}/protos"
"${buf}" lint "$@"
echo "buf-lint: protos/ passes (buf $("${buf}" --version))"
