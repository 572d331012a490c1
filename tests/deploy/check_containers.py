#!/usr/bin/env python3
"""Offline checks of the Dockerfile and of docker-compose.yml as resolved by
`docker-compose config` (no Docker engine needed).

  check_containers.py dockerfile REPO
      Multi-stage; every stage on Debian 12 with a pinned tag; the final
      stage installs no -dev package or compiler, copies the four services
      and microreach-probe, runs as a numeric non-root USER and has a
      HEALTHCHECK that uses microreach-probe; .dockerignore keeps build trees,
      local data and .git out of the context.
  check_containers.py compose REPO RESOLVED.yml
      Redis, PostgreSQL, Prometheus, Grafana and the four services are there;
      every service has a health check; every depends_on condition
      service_healthy points at a service with one; the microreach services
      are read-only, drop all capabilities, listen on 0.0.0.0 at the port
      their health check probes, and get every peer, Redis and (where they
      keep state) a PostgreSQL store URL; images are pinned; bind-mounted
      files exist; no variable is left unresolved.
"""
import pathlib
import re
import sys

import yaml

SERVICES = {"search": 50051, "scoring": 50052, "outreach": 50053, "campaign": 50054}
STATEFUL = {"search", "outreach", "campaign"}


def check_dockerfile(repo):
    errors = []
    text = (repo / "Dockerfile").read_text()
    # Join continuation lines, drop comments.
    logical = re.sub(r"\\\n", " ", "\n".join(
        line for line in text.splitlines() if not line.lstrip().startswith("#")))
    stages = re.split(r"^FROM\s+", logical, flags=re.M)[1:]
    if len(stages) < 2:
        errors.append("Dockerfile must be multi-stage (a build stage and a runtime stage)")
        return errors
    for stage in stages:
        image = stage.split()[0]
        if not re.fullmatch(r"debian:(12|bookworm)[\w.-]*(@sha256:[0-9a-f]{64})?", image):
            errors.append(f"stage base {image} is not a pinned Debian 12 image")
    final = stages[-1]
    installs = " ".join(re.findall(r"apt-get install ([^&\n]*)", final))
    packages = [p for p in installs.split() if not p.startswith("-")]
    for p in packages:
        if p.endswith("-dev") or p in {"build-essential", "cmake", "ninja-build", "g++", "gcc",
                                       "clang", "protobuf-compiler", "protobuf-compiler-grpc"}:
            errors.append(f"runtime stage installs build-only package {p}")
    for lib in ("libgrpc++1.51", "libprotobuf32", "libhiredis0.14", "libprometheus-cpp-core1.0",
                "libprometheus-cpp-pull1.0", "libsqlite3-0", "libpq5"):
        if lib not in packages:
            errors.append(f"runtime stage does not install {lib}")
    if "--no-install-recommends" not in installs or "rm -rf /var/lib/apt/lists" not in final:
        errors.append("runtime apt-get must use --no-install-recommends and clean /var/lib/apt/lists")
    for binary in [f"microreach-{s}" for s in SERVICES] + ["microreach-probe"]:
        if not re.search(rf"COPY --from=\S+ .*{binary}\b", final):
            errors.append(f"runtime stage does not copy {binary} from the build stage")
    users = re.findall(r"^USER\s+(\S+)", final, re.M)
    if not users or not re.fullmatch(r"[1-9]\d*(:\d+)?", users[-1]):
        errors.append("runtime stage must end with a numeric non-root USER (runAsNonRoot checks it)")
    if not re.search(r"^HEALTHCHECK\s.*microreach-probe health", final, re.M):
        errors.append("runtime stage needs a HEALTHCHECK running microreach-probe health")
    ignore = (repo / ".dockerignore").read_text().split()
    for entry in (".git", "/build*", "/var"):
        if entry not in ignore:
            errors.append(f".dockerignore must exclude {entry}")
    print(f"dockerfile: {len(stages)} stages, runtime packages: {' '.join(packages)}")
    return errors


def check_compose(repo, resolved_path):
    errors = []
    config = yaml.safe_load(pathlib.Path(resolved_path).read_text())
    services = config.get("services", {})
    for required in ["redis", "postgres", "prometheus", "grafana", *SERVICES]:
        if required not in services:
            errors.append(f"service {required} is missing")
    for name, s in services.items():
        if "healthcheck" not in s or s["healthcheck"].get("disable"):
            errors.append(f"{name}: no health check")
        image = s.get("image", "")
        tag = image.rpartition(":")[2] if ":" in image.rpartition("/")[2] else ""
        if not tag or tag == "latest":
            errors.append(f"{name}: image {image!r} is not pinned to a tag")
        for dep, cond in (s.get("depends_on") or {}).items():
            condition = cond.get("condition") if isinstance(cond, dict) else None
            if dep not in services:
                errors.append(f"{name}: depends on unknown service {dep}")
            elif condition == "service_healthy" and "healthcheck" not in services[dep]:
                errors.append(f"{name}: waits for {dep} to be healthy, but {dep} has no health check")
            elif condition is None:
                errors.append(f"{name}: depends_on {dep} without a condition")
        for v in s.get("volumes", []):
            source = v.get("source") if isinstance(v, dict) else v.split(":")[0]
            vtype = v.get("type") if isinstance(v, dict) else ("bind" if source.startswith(("/", ".")) else "volume")
            if vtype == "bind" and not pathlib.Path(source).exists():
                errors.append(f"{name}: bind mount source {source} does not exist")
    for name, port in SERVICES.items():
        s = services.get(name)
        if not s:
            continue
        env = s.get("environment", {})
        if s.get("command") != [f"microreach-{name}"]:
            errors.append(f"{name}: command must be [microreach-{name}]")
        if env.get("MICROREACH_GRPC_ADDRESS") != f"0.0.0.0:{port}":
            errors.append(f"{name}: MICROREACH_GRPC_ADDRESS must be 0.0.0.0:{port}")
        if not str(env.get("MICROREACH_METRICS_ADDRESS", "")).startswith("0.0.0.0:"):
            errors.append(f"{name}: MICROREACH_METRICS_ADDRESS must listen on 0.0.0.0")
        test = " ".join(s.get("healthcheck", {}).get("test", []))
        if f"microreach-probe health --address=127.0.0.1:{port}" not in test:
            errors.append(f"{name}: health check must probe 127.0.0.1:{port} with microreach-probe")
        for peer in ("search", "scoring", "outreach"):
            if env.get(f"MICROREACH_{peer.upper()}_ADDRESS") != f"{peer}:{SERVICES[peer]}":
                errors.append(f"{name}: MICROREACH_{peer.upper()}_ADDRESS must be {peer}:{SERVICES[peer]}")
        if env.get("MICROREACH_REDIS_ADDRESS") != "redis:6379":
            errors.append(f"{name}: MICROREACH_REDIS_ADDRESS must be redis:6379")
        if name in STATEFUL:
            if not str(env.get("MICROREACH_STORE_URL", "")).startswith("postgresql://"):
                errors.append(f"{name}: MICROREACH_STORE_URL must be a postgresql:// URL")
            if (s.get("depends_on") or {}).get("postgres", {}).get("condition") != "service_healthy":
                errors.append(f"{name}: must wait for postgres to be healthy")
        if not s.get("read_only"):
            errors.append(f"{name}: root filesystem must be read-only")
        if "ALL" not in (s.get("cap_drop") or []):
            errors.append(f"{name}: must drop all capabilities")
        if s.get("user") in ("0", "root"):
            errors.append(f"{name}: must not run as root")
    leftovers = re.findall(r"\$\{?[A-Za-z_]", pathlib.Path(resolved_path).read_text())
    if leftovers:
        errors.append(f"unresolved variables in the resolved config: {sorted(set(leftovers))}")
    print(f"compose: {len(services)} services: {', '.join(sorted(services))}")
    return errors


def main(argv):
    if len(argv) == 3 and argv[1] == "dockerfile":
        errors = check_dockerfile(pathlib.Path(argv[2]))
    elif len(argv) == 4 and argv[1] == "compose":
        errors = check_compose(pathlib.Path(argv[2]), argv[3])
    else:
        print(__doc__)
        return 2
    for e in errors:
        print(f"  {e}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
