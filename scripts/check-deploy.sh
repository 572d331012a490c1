#!/usr/bin/env bash
# Offline checks of everything under deploy/ plus Dockerfile and
# docker-compose.yml; no Docker engine, cluster or Prometheus server needed.
# CTest runs each part as a test labelled `deploy` (tests/deploy/).
#
#   scripts/check-deploy.sh PART...   # PART: dockerfile compose
#                                               #   kustomize prometheus grafana
#   scripts/check-deploy.sh all                 # every part
#
# Needs: python3 with PyYAML (Debian: python3-yaml), docker-compose (Debian's
# 1.29), promtool (Debian: prometheus) and kubectl (scripts/ensure-kubectl.sh
# finds or fetches it).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tests="${repo}/tests/deploy"
workdir="$(mktemp -d)"
trap 'rm -rf "${workdir}"' EXIT

need() {
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "check-deploy: $1 is not installed ($2)" >&2
    exit 1
  fi
}
need python3 "Debian: python3"
if ! python3 -c 'import yaml' 2>/dev/null; then
  echo "check-deploy: python3 has no PyYAML (Debian: apt-get install python3-yaml)" >&2
  exit 1
fi

check_dockerfile() {
  python3 "${tests}/check_containers.py" dockerfile "${repo}"
}

check_compose() {
  need docker-compose "Debian: docker-compose"
  # Variables such as MICROREACH_AUTH_TOKENS must not leak in from the caller.
  (cd "${repo}" && env -i PATH="${PATH}" HOME="${workdir}" docker-compose -f docker-compose.yml config -q)
  (cd "${repo}" && env -i PATH="${PATH}" HOME="${workdir}" docker-compose -f docker-compose.yml config) \
    >"${workdir}/compose.yml"
  python3 "${tests}/check_containers.py" compose "${repo}" "${workdir}/compose.yml"
  echo "compose: docker-compose config -q passes ($(docker-compose version --short))"
}

# Renders a kustomization made of the base plus COMPONENTS into FILE.
render_components() {
  local out="$1"; shift
  local dir="${workdir}/variant-$RANDOM$RANDOM"
  mkdir -p "${dir}"
  local rel
  rel="$(python3 -c 'import os,sys; print(os.path.relpath(sys.argv[1], sys.argv[2]))' \
    "${repo}/deploy/k8s" "${dir}")"
  {
    echo "apiVersion: kustomize.config.k8s.io/v1beta1"
    echo "kind: Kustomization"
    echo "resources: [${rel}/base]"
    echo "components:"
    for c in "$@"; do echo "  - ${rel}/components/${c}"; done
  } >"${dir}/kustomization.yaml"
  "${kubectl}" kustomize "${dir}" >"${out}"
}

check_kustomize() {
  kubectl="$("${repo}/scripts/ensure-kubectl.sh")"
  echo "kustomize: using ${kubectl} ($("${kubectl}" version --client 2>/dev/null | tr '\n' ' '))"
  local failed=0 n=0
  check_variant() {  # NAME FILE
    n=$((n + 1))
    python3 "${tests}/k8s_policy.py" "$1" "$2" || failed=1
  }
  check_variant base <("${kubectl}" kustomize "${repo}/deploy/k8s/base")
  for overlay in "${repo}"/deploy/k8s/overlays/*/; do
    overlay="${overlay%/}"
    "${kubectl}" kustomize "${overlay}" >"${workdir}/overlay.yaml"
    check_variant "overlays/${overlay##*/}" "${workdir}/overlay.yaml"
  done
  # Every component on its own over the base; hpa needs a shared store.
  for component in "${repo}"/deploy/k8s/components/*/; do
    component="$(basename "${component}")"
    extra=()
    [[ "${component}" == hpa ]] && extra=(postgres-external)
    render_components "${workdir}/c.yaml" "${component}" "${extra[@]}"
    check_variant "base+${component}${extra:+ +${extra[*]}}" "${workdir}/c.yaml"
  done
  # All components that can go together.
  render_components "${workdir}/all.yaml" redis-in-cluster postgres-in-cluster hpa pdb \
    network-policy service-monitor
  check_variant "base+all in-cluster components" "${workdir}/all.yaml"
  # The policy must reject what it is meant to reject.
  render_components "${workdir}/bad.yaml" hpa
  if python3 "${tests}/k8s_policy.py" "base+hpa (SQLite, must fail)" "${workdir}/bad.yaml" \
      >"${workdir}/bad.out"; then
    echo "kustomize: the policy accepted hpa on the embedded SQLite store" >&2
    failed=1
  else
    echo "kustomize: base+hpa on SQLite rejected as expected"
  fi
  "${kubectl}" kustomize "${repo}/deploy/k8s/base" >"${workdir}/base.yaml"
  if python3 "${tests}/k8s_policy.py" --self-test "${workdir}/base.yaml" >"${workdir}/self.out"; then
    echo "kustomize: policy self-test caught all $(grep -c caught "${workdir}/self.out") injected violations"
  else
    cat "${workdir}/self.out"
    failed=1
  fi
  [[ "${failed}" == 0 ]] || { echo "kustomize: FAILED" >&2; return 1; }
  echo "kustomize: ${n} variants render and pass the policy"
}

check_prometheus() {
  need promtool "Debian: prometheus"
  (cd "${repo}/deploy/prometheus" &&
    promtool check config prometheus.yml &&
    promtool check rules rules/*.yml &&
    promtool test rules tests/*.yml)
  python3 "${tests}/check_observability.py" rules "${repo}"
}

check_grafana() {
  need promtool "Debian: prometheus"
  python3 "${tests}/check_observability.py" grafana "${repo}" "${workdir}" "$(command -v promtool)"
}

parts=("$@")
if [[ "${#parts[@]}" -eq 0 || "${parts[0]}" == all ]]; then
  parts=(dockerfile compose kustomize prometheus grafana)
fi
for part in "${parts[@]}"; do
  case "${part}" in
    dockerfile|compose|kustomize|prometheus|grafana) "check_${part}" ;;
    *) echo "check-deploy: unknown part ${part} (dockerfile compose kustomize prometheus grafana)" >&2; exit 2 ;;
  esac
done
