#!/usr/bin/env python3
"""Offline checks of deploy/prometheus and deploy/grafana beyond promtool's:

  check_observability.py grafana REPO WORKDIR PROMTOOL
      Dashboards are valid JSON, generated from generate_dashboards.py
      (--check), with unique uids, every variable they use defined, every
      panel on the `datasource` variable; every query (panel targets and
      label_values() variables, Grafana's $variables replaced by concrete
      values) is written into a rules file that `promtool check rules`
      parses; every metric a query names is a known one.
  check_observability.py rules REPO
      Every metric the rules name is a known one; every alert has a unit
      test where it fires and one where it stays quiet.

Known metrics: docs/operations.md's metrics table (grpc_client_* expanded,
histograms with _bucket/_sum/_count), the not-yet-exported ones listed in
deploy/prometheus/README.md, the recording rules, `up` and `ALERTS`.
"""
import json
import pathlib
import re
import subprocess
import sys

import yaml

PROMQL_WORDS = {"and", "or", "unless", "by", "without", "on", "ignoring", "group_left",
                "group_right", "bool", "offset", "inf", "nan"}
BUILTIN_VARS = {"__rate_interval": "5m", "__interval": "1m", "__range": "1h",
                "__range_s": "3600", "__interval_ms": "60000"}


def known_metrics(repo):
    names = {"up", "ALERTS", "ALERTS_FOR_STATE"}
    ops = (repo / "docs/operations.md").read_text()
    table = ops.split("## Metrics", 1)[1].split("\n## ", 1)[0]
    server_names = []
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2 or not cells[0].startswith("`"):
            continue
        kind = cells[1]
        for name in re.findall(r"`([a-zA-Z_:][a-zA-Z0-9_:*]*)`", cells[0]):
            if name == "grpc_client_*":
                continue
            variants = [name]
            if kind == "histogram":
                variants += [name + s for s in ("_bucket", "_sum", "_count")]
            names.update(variants)
            if name.startswith("grpc_server_"):
                server_names += variants
    if "grpc_client_*" in table:
        names.update(n.replace("grpc_server_", "grpc_client_", 1) for n in server_names)
    readme = (repo / "deploy/prometheus/README.md").read_text()
    pending = readme.split("## Metrics not exported yet", 1)
    if len(pending) == 2:
        names.update(re.findall(r"`(microreach_[a-z0-9_]+)`", pending[1].split("\n## ", 1)[0]))
    for path in sorted((repo / "deploy/prometheus/rules").glob("*.yml")):
        for group in yaml.safe_load(path.read_text())["groups"]:
            names.update(r["record"] for r in group["rules"] if "record" in r)
    return names


def metric_names(expr):
    """Metric names in a PromQL expression (no full parser: strings, label
    matchers, grouping clauses and ranges are removed first)."""
    e = re.sub(r'"(?:\\.|[^"\\])*"', '""', expr)
    e = re.sub(r"#[^\n]*", " ", e)
    e = re.sub(r"\{[^}]*\}", " ", e)
    e = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", e)
    e = re.sub(r"\[[^\]]*\]", " ", e)
    found = set()
    for m in re.finditer(r"(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\()?", e):
        word, call = m.group(1), m.group(2)
        if call or word.lower() in PROMQL_WORDS:
            continue
        found.add(word)
    return found


def substitute(expr, defined):
    """Replaces Grafana variables with concrete values; returns the new
    expression and any variables that are used but not defined."""
    missing = set()

    def repl(m):
        name = m.group(1) or m.group(2)
        if name in BUILTIN_VARS:
            return BUILTIN_VARS[name]
        if name not in defined:
            missing.add(name)
        return "x"

    return re.sub(r"\$\{(\w+)(?::\w+)?\}|\$(\w+)", repl, expr), missing


def panels_of(dashboard):
    for p in dashboard.get("panels", []):
        yield p
        yield from p.get("panels", [])


def check_grafana(repo, workdir, promtool):
    errors = []
    gen = subprocess.run([sys.executable, str(repo / "deploy/grafana/generate_dashboards.py"), "--check"],
                         capture_output=True, text=True)
    if gen.returncode:
        errors.append(gen.stdout + gen.stderr)
    known = known_metrics(repo)
    uids = {}
    rules = []
    files = sorted((repo / "deploy/grafana/dashboards").glob("*.json"))
    if not files:
        errors.append("no dashboards under deploy/grafana/dashboards")
    for path in files:
        try:
            d = json.loads(path.read_text())
        except json.JSONDecodeError as e:
            errors.append(f"{path.name}: invalid JSON: {e}")
            continue
        if d.get("uid") in uids:
            errors.append(f'{path.name}: uid {d.get("uid")} also used by {uids[d["uid"]]}')
        uids[d.get("uid")] = path.name
        variables = d.get("templating", {}).get("list", [])
        defined = {v["name"] for v in variables}
        exprs = []
        for v in variables:
            if v.get("type") != "query":
                continue
            q = v["query"]["query"] if isinstance(v.get("query"), dict) else v.get("query", "")
            m = re.fullmatch(r"\s*label_values\((.*),\s*(\w+)\s*\)\s*", q, re.S)
            exprs.append((f'variable {v["name"]}', m.group(1) if m else q))
        for p in panels_of(d):
            if p.get("type") == "row":
                continue
            if p.get("datasource", {}).get("uid") != "${datasource}":
                errors.append(f'{path.name}: panel "{p.get("title")}" is not on the datasource variable')
            if not p.get("targets"):
                errors.append(f'{path.name}: panel "{p.get("title")}" has no query')
            for t in p.get("targets", []):
                exprs.append((f'panel "{p.get("title")}" {t.get("refId")}', t.get("expr", "")))
        for where, expr in exprs:
            if not expr.strip():
                errors.append(f"{path.name}: {where}: empty query")
                continue
            concrete, missing = substitute(expr, defined)
            if missing:
                errors.append(f"{path.name}: {where}: undefined variable(s) {sorted(missing)}")
            for name in sorted(metric_names(concrete) - known):
                errors.append(f"{path.name}: {where}: unknown metric {name}")
            rules.append({"record": f"grafana_check:{path.stem}:q{len(rules)}", "expr": concrete,
                          "labels": {"source": f"{path.name}: {where}"}})
    rules_file = pathlib.Path(workdir) / "grafana-queries.rules.yml"
    rules_file.write_text(yaml.safe_dump({"groups": [{"name": "grafana-queries", "rules": rules}]},
                                         sort_keys=False, width=1000))
    check = subprocess.run([promtool, "check", "rules", str(rules_file)], capture_output=True, text=True)
    if check.returncode:
        errors.append(f"promtool rejects dashboard queries ({rules_file}):\n{check.stdout}{check.stderr}")
    print(f"grafana: {len(files)} dashboards, {len(rules)} queries checked by promtool "
          f"({check.stdout.strip().splitlines()[-1] if check.stdout.strip() else 'no output'})")
    return errors


def check_rules(repo):
    errors = []
    known = known_metrics(repo)
    alerts = set()
    for path in sorted((repo / "deploy/prometheus/rules").glob("*.yml")):
        for group in yaml.safe_load(path.read_text())["groups"]:
            for r in group["rules"]:
                for name in sorted(metric_names(r["expr"]) - known):
                    errors.append(f'{path.name}: {r.get("record") or r.get("alert")}: unknown metric {name}')
                if "alert" in r:
                    alerts.add(r["alert"])
    fires, quiet = set(), set()
    for path in sorted((repo / "deploy/prometheus/tests").glob("*.yml")):
        for test in yaml.safe_load(path.read_text())["tests"]:
            for a in test.get("alert_rule_test", []):
                (fires if a.get("exp_alerts") else quiet).add(a["alertname"])
    for alert in sorted(alerts):
        if alert not in fires:
            errors.append(f"alert {alert} has no unit test in which it fires")
        if alert not in quiet:
            errors.append(f"alert {alert} has no unit test in which it stays quiet")
    for alert in sorted((fires | quiet) - alerts):
        errors.append(f"unit tests name alert {alert}, which no rule defines")
    print(f"rules: {len(alerts)} alerts, each fires and stays quiet in a unit test; metric names known")
    return errors


def main(argv):
    if len(argv) >= 3 and argv[1] == "grafana" and len(argv) == 5:
        errors = check_grafana(pathlib.Path(argv[2]), argv[3], argv[4])
    elif len(argv) == 3 and argv[1] == "rules":
        errors = check_rules(pathlib.Path(argv[2]))
    else:
        print(__doc__)
        return 2
    for e in errors:
        print(f"  {e}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
