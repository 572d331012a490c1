#!/usr/bin/env python3
"""Checks rendered Kubernetes objects (`kubectl kustomize` output) against
microreach's deployment policy:

- every container: pinned image (a tag other than `latest`, or a digest),
  CPU and memory requests and a memory limit, readiness and liveness probes,
  no privilege escalation, read-only root filesystem, all capabilities
  dropped; every pod: runAsNonRoot, RuntimeDefault seccomp, no service
  account token;
- microreach servers: native gRPC startup, liveness and readiness probes on
  the `grpc` container port (readiness names the service), addresses that
  match the container ports, and a termination grace period longer than
  MICROREACH_DRAIN + MICROREACH_SHUTDOWN_TIMEOUT;
- labels and selectors agree: workload selectors match their templates, and
  Services, PDBs, HPAs, NetworkPolicy ports, ServiceMonitors and StatefulSet
  serviceNames point at something that exists;
- search, outreach and campaign on the embedded SQLite store run exactly one
  replica and are not autoscaled;
- referenced ConfigMaps exist; referenced Secrets exist or are ones the
  platform provides (docs/deploy.md).

  k8s_policy.py NAME FILE.yaml        # check one rendered variant
  k8s_policy.py --self-test FILE.yaml # prove each rule catches a violation
"""
import copy
import re
import sys

import yaml

WORKLOADS = ("Deployment", "StatefulSet", "DaemonSet")
STATEFUL_SERVICES = {"search", "outreach", "campaign"}
# Secrets the platform creates (see docs/deploy.md); all others must render.
PROVIDED_SECRETS = {"microreach-auth", "microreach-store", "microreach-redis"}


def load(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d]


def duration_seconds(text):
    """Parses absl-style durations such as 5s, 1m30s, 500ms."""
    total = 0.0
    units = {"h": 3600, "m": 60, "s": 1, "ms": 0.001, "us": 1e-6, "ns": 1e-9}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|us|ns|h|m|s)", text)
    if not parts or "".join(a + b for a, b in parts) != text:
        raise ValueError(f"bad duration {text!r}")
    for number, unit in parts:
        total += float(number) * units[unit]
    return total


def matches(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


class Checker:
    def __init__(self, objects):
        self.objects = objects
        self.errors = []
        self.by_kind = {}
        for o in objects:
            self.by_kind.setdefault(o["kind"], {})[o["metadata"]["name"]] = o

    def error(self, obj, message):
        self.errors.append(f'{obj["kind"]}/{obj["metadata"]["name"]}: {message}')

    def named(self, kind):
        return self.by_kind.get(kind, {})

    def workloads(self):
        for kind in WORKLOADS:
            yield from self.named(kind).values()

    def run(self):
        for w in self.workloads():
            self.check_workload(w)
        self.check_services()
        self.check_pdbs()
        self.check_hpas()
        self.check_network_policies()
        self.check_service_monitors()
        return self.errors

    # --- workloads -------------------------------------------------------

    def env_of(self, container):
        """The container's environment: envFrom ConfigMaps, then env values."""
        env = {}
        for source in container.get("envFrom", []):
            ref = source.get("configMapRef")
            if ref:
                cm = self.named("ConfigMap").get(ref["name"])
                if cm:
                    env.update(cm.get("data", {}))
        for e in container.get("env", []):
            env[e["name"]] = e.get("value", e.get("valueFrom"))
        return env

    def check_workload(self, w):
        spec = w["spec"]
        template = spec["template"]
        pod = template["spec"]
        labels = template["metadata"].get("labels", {})
        selector = spec.get("selector", {}).get("matchLabels", {})
        if not matches(selector, labels):
            self.error(w, f"selector {selector} does not match template labels {labels}")
        psc = pod.get("securityContext", {})
        if psc.get("runAsNonRoot") is not True:
            self.error(w, "pod securityContext.runAsNonRoot must be true")
        if psc.get("runAsUser") == 0:
            self.error(w, "pod runs as uid 0")
        if psc.get("seccompProfile", {}).get("type") != "RuntimeDefault":
            self.error(w, "pod seccompProfile must be RuntimeDefault")
        if pod.get("automountServiceAccountToken") is not False:
            self.error(w, "automountServiceAccountToken must be false")
        sa = pod.get("serviceAccountName")
        if not sa or sa not in self.named("ServiceAccount"):
            self.error(w, f"serviceAccountName {sa!r} is not rendered")
        if w["kind"] == "StatefulSet" and spec.get("serviceName") not in self.named("Service"):
            self.error(w, f'serviceName {spec.get("serviceName")!r} is not a rendered Service')
        volumes = {v["name"]: v for v in pod.get("volumes", [])}
        for claim in spec.get("volumeClaimTemplates", []):
            volumes[claim["metadata"]["name"]] = claim
        for v in volumes.values():
            self.check_volume_refs(w, v)
        for c in pod.get("initContainers", []) + pod["containers"]:
            self.check_container(w, c, volumes, init=c not in pod["containers"])
        for c in pod["containers"]:
            if "microreach" in c.get("image", ""):
                self.check_microreach_server(w, pod, c)

    def check_volume_refs(self, w, volume):
        cm = volume.get("configMap")
        if cm and not cm.get("optional") and cm["name"] not in self.named("ConfigMap"):
            self.error(w, f'volume {volume["name"]}: ConfigMap {cm["name"]} is not rendered')
        secret = volume.get("secret")
        if secret:
            self.check_secret_ref(w, secret["secretName"], secret.get("optional"))

    def check_secret_ref(self, w, name, optional):
        if optional or name in self.named("Secret") or name in PROVIDED_SECRETS:
            return
        self.error(w, f"Secret {name} is neither rendered nor one the platform provides")

    def check_container(self, w, c, volumes, init):
        where = f'container {c["name"]}'
        image = c.get("image", "")
        name, _, digest = image.partition("@")
        tag = name.rpartition(":")[2] if ":" in name.rpartition("/")[2] else ""
        if not digest and (not tag or tag == "latest"):
            self.error(w, f"{where}: image {image!r} must be pinned to a tag other than latest or a digest")
        resources = c.get("resources", {})
        for kind, key in (("requests", "cpu"), ("requests", "memory"), ("limits", "memory")):
            if key not in resources.get(kind, {}):
                self.error(w, f"{where}: resources.{kind}.{key} is missing")
        sc = c.get("securityContext", {})
        if sc.get("allowPrivilegeEscalation") is not False:
            self.error(w, f"{where}: allowPrivilegeEscalation must be false")
        if sc.get("privileged"):
            self.error(w, f"{where}: must not be privileged")
        if sc.get("readOnlyRootFilesystem") is not True:
            self.error(w, f"{where}: readOnlyRootFilesystem must be true")
        caps = sc.get("capabilities", {})
        if "ALL" not in caps.get("drop", []):
            self.error(w, f"{where}: capabilities.drop must contain ALL")
        if caps.get("add"):
            self.error(w, f'{where}: adds capabilities {caps["add"]}')
        if sc.get("runAsUser") == 0:
            self.error(w, f"{where}: runs as uid 0")
        if not init:
            for probe in ("readinessProbe", "livenessProbe"):
                if probe not in c:
                    self.error(w, f"{where}: {probe} is missing")
        for m in c.get("volumeMounts", []):
            if m["name"] not in volumes:
                self.error(w, f'{where}: volumeMount {m["name"]} has no volume')
        for source in c.get("envFrom", []):
            ref = source.get("configMapRef")
            if ref and not ref.get("optional") and ref["name"] not in self.named("ConfigMap"):
                self.error(w, f'{where}: envFrom ConfigMap {ref["name"]} is not rendered')
            ref = source.get("secretRef")
            if ref:
                self.check_secret_ref(w, ref["name"], ref.get("optional"))
        for e in c.get("env", []):
            ref = e.get("valueFrom", {}).get("secretKeyRef")
            if ref:
                self.check_secret_ref(w, ref["name"], ref.get("optional"))
            ref = e.get("valueFrom", {}).get("configMapKeyRef")
            if ref and not ref.get("optional") and ref["name"] not in self.named("ConfigMap"):
                self.error(w, f'{where}: env {e["name"]}: ConfigMap {ref["name"]} is not rendered')

    def check_microreach_server(self, w, pod, c):
        where = f'container {c["name"]}'
        ports = {p.get("name"): p["containerPort"] for p in c.get("ports", [])}
        grpc_port = ports.get("grpc")
        if grpc_port is None or "metrics" not in ports:
            self.error(w, f"{where}: needs container ports named grpc and metrics")
            return
        for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
            p = c.get(probe)
            if not p:
                self.error(w, f"{where}: {probe} is missing")
                continue
            if set(p) & {"exec", "httpGet", "tcpSocket"} or "grpc" not in p:
                self.error(w, f"{where}: {probe} must be a native gRPC probe")
                continue
            if p["grpc"].get("port") != grpc_port:
                self.error(w, f"{where}: {probe} probes port {p['grpc'].get('port')}, not grpc {grpc_port}")
        readiness = c.get("readinessProbe", {}).get("grpc", {})
        if readiness and not readiness.get("service"):
            self.error(w, f"{where}: readinessProbe.grpc.service must name the gRPC service")
        env = self.env_of(c)
        for key, port_name in (("MICROREACH_GRPC_ADDRESS", "grpc"),
                               ("MICROREACH_METRICS_ADDRESS", "metrics")):
            value = env.get(key)
            if not isinstance(value, str) or not value.endswith(f":{ports[port_name]}"):
                self.error(w, f"{where}: {key}={value!r} does not listen on the {port_name} port "
                              f"{ports[port_name]}")
            elif value.startswith("127.") or value.startswith("localhost"):
                self.error(w, f"{where}: {key}={value} listens on loopback only")
        try:
            drain = duration_seconds(env.get("MICROREACH_DRAIN", "5s"))
            shutdown = duration_seconds(env.get("MICROREACH_SHUTDOWN_TIMEOUT", "10s"))
        except ValueError as e:
            self.error(w, f"{where}: {e}")
            return
        grace = pod.get("terminationGracePeriodSeconds", 30)
        if grace <= drain + shutdown:
            self.error(w, f"terminationGracePeriodSeconds {grace} must exceed drain + shutdown_timeout "
                          f"({drain:g}s + {shutdown:g}s)")
        service = w["spec"]["template"]["metadata"].get("labels", {}).get("app.kubernetes.io/name")
        if w["kind"] == "Deployment" and service in STATEFUL_SERVICES:
            store = env.get("MICROREACH_STORE_URL")
            embedded = store is None or (isinstance(store, str) and store.startswith("sqlite"))
            if embedded:
                if w["spec"].get("replicas", 1) != 1:
                    self.error(w, "runs the embedded SQLite store with more than one replica")
                for hpa in self.named("HorizontalPodAutoscaler").values():
                    if hpa["spec"]["scaleTargetRef"]["name"] == w["metadata"]["name"]:
                        self.error(w, f'is autoscaled by HorizontalPodAutoscaler/{hpa["metadata"]["name"]} '
                                      "but runs the embedded SQLite store (add a postgres-* component)")

    # --- things that select workloads -------------------------------------

    def selected(self, selector):
        return [w for w in self.workloads()
                if matches(selector, w["spec"]["template"]["metadata"].get("labels", {}))]

    def container_ports(self, workloads):
        names, numbers = set(), set()
        for w in workloads:
            for c in w["spec"]["template"]["spec"]["containers"]:
                for p in c.get("ports", []):
                    names.add(p.get("name"))
                    numbers.add(p["containerPort"])
        return names, numbers

    def check_services(self):
        for s in self.named("Service").values():
            selector = s["spec"].get("selector")
            targets = self.selected(selector)
            if not targets:
                self.error(s, f"selector {selector} matches no workload")
                continue
            names, numbers = self.container_ports(targets)
            for p in s["spec"].get("ports", []):
                target = p.get("targetPort", p["port"])
                if target not in (names if isinstance(target, str) else numbers):
                    self.error(s, f'port {p.get("name")}: targetPort {target!r} is not a container port')

    def check_pdbs(self):
        for pdb in self.named("PodDisruptionBudget").values():
            selector = pdb["spec"].get("selector", {}).get("matchLabels")
            if not self.selected(selector):
                self.error(pdb, f"selector {selector} matches no workload")
            if "minAvailable" in pdb["spec"]:
                self.error(pdb, "use maxUnavailable: minAvailable blocks drains of single-replica services")

    def check_hpas(self):
        for hpa in self.named("HorizontalPodAutoscaler").values():
            ref = hpa["spec"]["scaleTargetRef"]
            target = self.named(ref["kind"]).get(ref["name"])
            if not target:
                self.error(hpa, f'scaleTargetRef {ref["kind"]}/{ref["name"]} is not rendered')
                continue
            if "replicas" in target["spec"]:
                self.error(hpa, f'{ref["kind"]}/{ref["name"]} still sets replicas, which fights the autoscaler')
            if hpa["spec"].get("minReplicas", 1) < 2:
                self.error(hpa, "minReplicas must be at least 2")

    def check_network_policies(self):
        for np in self.named("NetworkPolicy").values():
            targets = self.selected(np["spec"].get("podSelector", {}).get("matchLabels"))
            names, numbers = self.container_ports(targets)
            for rule in np["spec"].get("ingress", []):
                for p in rule.get("ports", []):
                    port = p.get("port")
                    if targets and port is not None and port not in (
                            names if isinstance(port, str) else numbers):
                        self.error(np, f"port {port!r} is not a port of the pods it selects")

    def check_service_monitors(self):
        for sm in self.named("ServiceMonitor").values():
            selector = sm["spec"]["selector"].get("matchLabels")
            services = [s for s in self.named("Service").values()
                        if matches(selector, s["metadata"].get("labels", {}))]
            if not services:
                self.error(sm, f"selector {selector} matches no Service")
            for e in sm["spec"]["endpoints"]:
                if not any(p.get("name") == e.get("port") for s in services for p in s["spec"]["ports"]):
                    self.error(sm, f'endpoint port {e.get("port")!r} is on no selected Service')


def check(objects):
    return Checker(objects).run()


def self_test(objects):
    """Each mutation breaks one rule; the checker must report it."""

    def first(kind, pred=lambda o: True):
        return next(o for o in objects_copy if o["kind"] == kind and pred(o))

    def server(o):
        return o["kind"] == "Deployment" and o["metadata"]["name"] == "search"

    def c0(objs):
        return first("Deployment", server)["spec"]["template"]["spec"]["containers"][0]

    mutations = {
        "image latest": lambda: c0(objects_copy).update(image="ghcr.io/microreach/microreach:latest"),
        "image untagged": lambda: c0(objects_copy).update(image="ghcr.io/microreach/microreach"),
        "no readiness probe": lambda: c0(objects_copy).pop("readinessProbe"),
        "liveness not gRPC": lambda: c0(objects_copy).update(
            livenessProbe={"tcpSocket": {"port": 50051}}),
        "probe on wrong port": lambda: c0(objects_copy)["startupProbe"]["grpc"].update(port=9464),
        "no memory limit": lambda: c0(objects_copy)["resources"].pop("limits"),
        "writable root": lambda: c0(objects_copy)["securityContext"].update(readOnlyRootFilesystem=False),
        "capabilities kept": lambda: c0(objects_copy)["securityContext"].pop("capabilities"),
        "root allowed": lambda: first("Deployment", server)["spec"]["template"]["spec"][
            "securityContext"].pop("runAsNonRoot"),
        "short grace period": lambda: first("Deployment", server)["spec"]["template"]["spec"].update(
            terminationGracePeriodSeconds=10),
        "selector mismatch": lambda: first("Deployment", server)["spec"]["selector"]["matchLabels"].update(
            {"app.kubernetes.io/name": "serch"}),
        "service selects nothing": lambda: first("Service")["spec"]["selector"].update(
            {"app.kubernetes.io/name": "nothing"}),
        "sqlite with two replicas": lambda: first("Deployment", server)["spec"].update(replicas=2),
        "unknown secret": lambda: c0(objects_copy).setdefault("env", []).append(
            {"name": "X", "valueFrom": {"secretKeyRef": {"name": "typo", "key": "k"}}}),
    }
    failures = []
    for name, mutate in mutations.items():
        objects_copy = copy.deepcopy(objects)
        mutate()
        if not check(objects_copy):
            failures.append(name)
        else:
            print(f"self-test: caught {name}")
    return failures


def main(argv):
    if len(argv) == 3 and argv[1] == "--self-test":
        objects = load(argv[2])
        baseline = check(objects)
        if baseline:
            print("self-test baseline is not clean:", *baseline, sep="\n  ")
            return 1
        failures = self_test(objects)
        if failures:
            print("policy check missed:", *failures, sep="\n  ")
            return 1
        return 0
    if len(argv) != 3:
        print(__doc__)
        return 2
    name, path = argv[1], argv[2]
    objects = load(path)
    errors = check(objects)
    kinds = sorted({o["kind"] for o in objects})
    if errors:
        print(f"{name}: {len(errors)} policy violation(s):")
        for e in errors:
            print(f"  {e}")
        return 1
    print(f"{name}: {len(objects)} objects ({', '.join(kinds)}) pass the policy")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
