#!/usr/bin/env python3
"""Writes the Grafana dashboards under dashboards/ (an overview, one per
service, the cache). Edit this file, not the JSON, then run it:

  deploy/grafana/generate_dashboards.py          # rewrite dashboards/*.json
  deploy/grafana/generate_dashboards.py --check  # fail if the JSON is stale

Every query uses the metric names of docs/operations.md; the deploy tests
check each one with promtool.
"""
import json
import pathlib
import sys

OUT = pathlib.Path(__file__).resolve().parent / "dashboards"
DS = {"type": "prometheus", "uid": "${datasource}"}
SERVICES = {
    # name: (proto service, has a store)
    "search": ("microreach.search.v1.SearchService", True),
    "scoring": ("microreach.scoring.v1.ScoringService", False),
    "outreach": ("microreach.outreach.v1.OutreachService", True),
    "campaign": ("microreach.campaign.v1.CampaignService", True),
}
JOBS = "|".join(SERVICES)
# Server-side error codes, as in deploy/prometheus/rules/microreach-recording.yml.
ERROR_CODES = "UNKNOWN|DEADLINE_EXCEEDED|RESOURCE_EXHAUSTED|INTERNAL|UNAVAILABLE|DATA_LOSS"
NS = 'namespace=~"$namespace"'


class Layout:
    """Places panels left to right, 24 grid units per row."""

    def __init__(self):
        self.panels = []
        self.x = 0
        self.y = 0
        self.row_h = 0

    def row(self, title):
        self._newline()
        self.panels.append({"type": "row", "title": title, "collapsed": False,
                            "gridPos": {"x": 0, "y": self.y, "w": 24, "h": 1},
                            "id": len(self.panels) + 1, "panels": []})
        self.y += 1

    def _newline(self):
        if self.x:
            self.y += self.row_h
            self.x = 0
            self.row_h = 0

    def add(self, panel, w=12, h=8):
        if self.x + w > 24:
            self._newline()
        panel["gridPos"] = {"x": self.x, "y": self.y, "w": w, "h": h}
        panel["id"] = len(self.panels) + 1
        self.panels.append(panel)
        self.x += w
        self.row_h = max(self.row_h, h)


def targets(queries):
    out = []
    for i, (expr, legend) in enumerate(queries):
        out.append({"datasource": DS, "expr": expr, "legendFormat": legend,
                    "refId": chr(ord("A") + i), "range": True})
    return out


def timeseries(title, queries, unit="short", description="", stack=False, maximum=None):
    defaults = {"unit": unit, "custom": {"fillOpacity": 10, "lineWidth": 1,
                                         "stacking": {"mode": "normal" if stack else "none"}}}
    if maximum is not None:
        defaults["max"] = maximum
        defaults["min"] = 0
    return {"type": "timeseries", "title": title, "description": description,
            "datasource": DS, "targets": targets(queries),
            "fieldConfig": {"defaults": defaults, "overrides": []},
            "options": {"legend": {"displayMode": "table", "placement": "bottom",
                                   "calcs": ["mean", "max", "lastNotNull"]},
                        "tooltip": {"mode": "multi", "sort": "desc"}}}


def stat(title, expr, legend="", unit="short", description="", thresholds=None):
    steps = [{"color": "green", "value": None}]
    for value, color in thresholds or []:
        steps.append({"color": color, "value": value})
    return {"type": "stat", "title": title, "description": description, "datasource": DS,
            "targets": targets([(expr, legend)]),
            "fieldConfig": {"defaults": {"unit": unit,
                                         "thresholds": {"mode": "absolute", "steps": steps}},
                            "overrides": []},
            "options": {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                        "colorMode": "background", "graphMode": "area", "textMode": "auto"}}


def table(title, expr, description=""):
    t = targets([(expr, "")])
    t[0].update({"format": "table", "instant": True, "range": False})
    return {"type": "table", "title": title, "description": description, "datasource": DS,
            "targets": t, "fieldConfig": {"defaults": {}, "overrides": []},
            "transformations": [{"id": "organize", "options": {
                "excludeByName": {"Time": True, "Value": True, "__name__": True}}}]}


def query_var(name, label, query, multi=True):
    return {"name": name, "label": label, "type": "query", "datasource": DS,
            "definition": query, "query": {"query": query, "refId": f"{name}-var"},
            "refresh": 2, "sort": 1, "multi": multi, "includeAll": True, "allValue": ".*",
            "current": {"selected": True, "text": "All", "value": "$__all"}, "hide": 0}


def datasource_var():
    return {"name": "datasource", "label": "Data source", "type": "datasource",
            "query": "prometheus", "current": {"selected": True, "text": "Prometheus",
                                               "value": "prometheus"}, "hide": 0}


def dashboard(uid, title, description, panels, variables, tags=()):
    return {
        "uid": uid, "title": title, "description": description,
        "tags": ["microreach", *tags], "timezone": "utc", "editable": False,
        "schemaVersion": 39, "version": 1, "refresh": "30s",
        "time": {"from": "now-3h", "to": "now"}, "graphTooltip": 1,
        "templating": {"list": [datasource_var(), *variables]},
        "annotations": {"list": []},
        "links": [{"title": "microreach", "type": "dashboards", "tags": ["microreach"],
                   "asDropdown": True, "includeVars": True, "keepTime": True}],
        "panels": panels,
    }


def namespace_var():
    return query_var("namespace", "Namespace", "label_values(microreach_build_info, namespace)")


def overview():
    L = Layout()
    L.row("Services")
    L.add(timeseries("Requests per second", [
        (f'sum by (job) (rate(grpc_server_handled_total{{{NS},job=~"{JOBS}",'
         f'grpc_service=~"microreach\\\\..+"}}[$__rate_interval]))', "{{job}}")], unit="reqps"), w=8)
    L.add(timeseries("Server error ratio", [
        (f'sum by (job) (rate(grpc_server_handled_total{{{NS},job=~"{JOBS}",grpc_service=~"microreach\\\\..+",'
         f'grpc_code=~"{ERROR_CODES}"}}[$__rate_interval])) / sum by (job) (rate(grpc_server_handled_total'
         f'{{{NS},job=~"{JOBS}",grpc_service=~"microreach\\\\..+"}}[$__rate_interval]))', "{{job}}")],
        unit="percentunit", description="Server-side error codes only (see deploy/prometheus/README.md)."),
        w=8)
    L.add(timeseries("p99 latency (unary)", [
        (f'histogram_quantile(0.99, sum by (job, le) (rate(grpc_server_handling_seconds_bucket{{{NS},'
         f'job=~"{JOBS}",grpc_service=~"microreach\\\\..+",grpc_type="unary"}}[$__rate_interval])))',
         "{{job}}")], unit="s"), w=8)
    L.add(stat("Targets up", f'sum(up{{{NS},job=~"{JOBS}"}})', unit="none",
               description="Scraped microreach processes."), w=6, h=5)
    L.add(stat("Firing alerts", 'count(ALERTS{alertname=~"Microreach.*",alertstate="firing"}) or vector(0)',
               thresholds=[(1, "red")]), w=6, h=5)
    L.add(table("Versions", f'microreach_build_info{{{NS}}}'), w=12, h=5)
    L.row("Cache, store, background work")
    L.add(timeseries("Cache hit ratio", [
        (f'sum by (job, cache) (rate(microreach_cache_requests_total{{{NS},result=~"hit|negative_hit"}}'
         f'[$__rate_interval])) / sum by (job, cache) (rate(microreach_cache_requests_total{{{NS}}}'
         f'[$__rate_interval]))', "{{job}} {{cache}}")], unit="percentunit", maximum=1), w=8)
    L.add(timeseries("Redis errors per second", [
        (f'sum by (job) (rate(microreach_cache_errors_total{{{NS}}}[$__rate_interval]))', "{{job}}")],
        unit="short"), w=8)
    L.add(timeseries("Store p99 latency", [
        (f'histogram_quantile(0.99, sum by (job, le) (rate(microreach_store_operation_seconds_bucket'
         f'{{{NS}}}[$__rate_interval])))', "{{job}}")], unit="s"), w=8)
    L.add(timeseries("Outbox", [
        (f'max by (job) (microreach_outbox_depth{{{NS}}})', "{{job}} depth"),
        (f'max by (job) (microreach_outbox_oldest_age_seconds{{{NS}}})', "{{job}} oldest age (s)")],
        description="Undelivered messages and the age of the oldest one (outreach)."), w=12)
    L.add(timeseries("Index staleness", [
        (f'max by (job, instance) (microreach_index_staleness_seconds{{{NS}}})', "{{instance}}")],
        unit="s", description="How far each search replica's index is behind the store."), w=12)
    return dashboard("microreach-overview", "microreach / Overview",
                     "Rate, errors and latency of the four services, the cache, stores and background work.",
                     L.panels, [namespace_var()], tags=["overview"])


def service(name, proto, has_store):
    sel = f'{NS},job="{name}",instance=~"$instance"'
    grpc = f'{sel},grpc_service="{proto}",grpc_method=~"$method"'
    L = Layout()
    L.row("Requests")
    L.add(stat("Requests per second", f'sum(rate(grpc_server_handled_total{{{grpc}}}[$__rate_interval]))',
               unit="reqps"), w=6, h=5)
    L.add(stat("Server error ratio",
               f'sum(rate(grpc_server_handled_total{{{grpc},grpc_code=~"{ERROR_CODES}"}}[$__rate_interval])) '
               f'/ sum(rate(grpc_server_handled_total{{{grpc}}}[$__rate_interval]))',
               unit="percentunit", thresholds=[(0.01, "orange"), (0.05, "red")]), w=6, h=5)
    L.add(stat("p99 latency (unary)",
               f'histogram_quantile(0.99, sum by (le) (rate(grpc_server_handling_seconds_bucket'
               f'{{{grpc},grpc_type="unary"}}[$__rate_interval])))',
               unit="s", thresholds=[(0.25, "orange"), (0.5, "red")]), w=6, h=5)
    L.add(stat("Uptime", f'min(time() - process_start_time_seconds{{{sel}}})', unit="s"), w=6, h=5)
    L.add(timeseries("Requests per second by method", [
        (f'sum by (grpc_method) (rate(grpc_server_handled_total{{{grpc}}}[$__rate_interval]))',
         "{{grpc_method}}")], unit="reqps"))
    L.add(timeseries("Responses by code", [
        (f'sum by (grpc_code) (rate(grpc_server_handled_total{{{grpc}}}[$__rate_interval]))',
         "{{grpc_code}}")], unit="reqps", stack=True))
    L.add(timeseries("Server error ratio by method", [
        (f'sum by (grpc_method) (rate(grpc_server_handled_total{{{grpc},grpc_code=~"{ERROR_CODES}"}}'
         f'[$__rate_interval])) / sum by (grpc_method) (rate(grpc_server_handled_total{{{grpc}}}'
         f'[$__rate_interval]))', "{{grpc_method}}")], unit="percentunit"))
    L.add(timeseries("Latency by method (unary)", [
        (f'histogram_quantile({q}, sum by (grpc_method, le) (rate(grpc_server_handling_seconds_bucket'
         f'{{{grpc},grpc_type="unary"}}[$__rate_interval])))', f"p{int(q * 100)} {{{{grpc_method}}}}")
        for q in (0.5, 0.99)], unit="s"))
    L.add(timeseries("In flight", [
        (f'sum by (grpc_method) (grpc_server_started_total{{{grpc}}}) '
         f'- sum by (grpc_method) (grpc_server_handled_total{{{grpc}}})', "{{grpc_method}}")],
        description="Calls started but not finished."))
    L.add(timeseries("Stream messages per second", [
        (f'sum by (grpc_method) (rate(grpc_server_msg_received_total{{{grpc}}}[$__rate_interval]))',
         "received {{grpc_method}}"),
        (f'sum by (grpc_method) (rate(grpc_server_msg_sent_total{{{grpc}}}[$__rate_interval]))',
         "sent {{grpc_method}}")]))
    L.row("Outgoing calls")
    L.add(timeseries("Outgoing calls by peer and code", [
        (f'sum by (grpc_service, grpc_code) (rate(grpc_client_handled_total{{{sel}}}[$__rate_interval]))',
         "{{grpc_service}} {{grpc_code}}")], unit="reqps"))
    L.add(timeseries("Outgoing p99 latency by peer", [
        (f'histogram_quantile(0.99, sum by (grpc_service, le) (rate(grpc_client_handling_seconds_bucket'
         f'{{{sel},grpc_type="unary"}}[$__rate_interval])))', "{{grpc_service}}")], unit="s"))
    L.row("Cache")
    L.add(timeseries("Cache lookups by result", [
        (f'sum by (cache, result) (rate(microreach_cache_requests_total{{{sel}}}[$__rate_interval]))',
         "{{cache}} {{result}}")], stack=True), w=8)
    L.add(timeseries("Cache hit ratio", [
        (f'sum by (cache) (rate(microreach_cache_requests_total{{{sel},result=~"hit|negative_hit"}}'
         f'[$__rate_interval])) / sum by (cache) (rate(microreach_cache_requests_total{{{sel}}}'
         f'[$__rate_interval]))', "{{cache}}")], unit="percentunit", maximum=1), w=8)
    L.add(timeseries("Redis errors by operation", [
        (f'sum by (cache, op) (rate(microreach_cache_errors_total{{{sel}}}[$__rate_interval]))',
         "{{cache}} {{op}}")]), w=8)
    if has_store:
        L.row("Store")
        L.add(timeseries("Store p99 latency by operation", [
            (f'histogram_quantile(0.99, sum by (store, op, le) (rate(microreach_store_operation_seconds_bucket'
             f'{{{sel}}}[$__rate_interval])))', "{{store}} {{op}}")], unit="s"), w=8)
        L.add(timeseries("Store transactions per second", [
            (f'sum by (store, op) (rate(microreach_store_operation_seconds_count{{{sel}}}[$__rate_interval]))',
             "{{store}} {{op}}")], unit="ops"), w=8)
        L.add(timeseries("Store errors and busy retries", [
            (f'sum by (store, op) (rate(microreach_store_errors_total{{{sel}}}[$__rate_interval]))',
             "errors {{store}} {{op}}"),
            (f'sum by (store) (rate(microreach_store_busy_retries_total{{{sel}}}[$__rate_interval]))',
             "busy retries {{store}}")]), w=8)
    if name == "search":
        L.row("Index")
        L.add(timeseries("Index staleness", [
            (f'max by (instance) (microreach_index_staleness_seconds{{{sel}}})', "{{instance}}")],
            unit="s", description="How far each replica's index is behind the store."), w=24)
    if name == "outreach":
        L.row("Outbox")
        L.add(timeseries("Outbox depth", [
            (f'max by (instance) (microreach_outbox_depth{{{sel}}})', "{{instance}}")]))
        L.add(timeseries("Oldest undelivered message", [
            (f'max by (instance) (microreach_outbox_oldest_age_seconds{{{sel}}})', "{{instance}}")],
            unit="s"))
    variables = [
        namespace_var(),
        query_var("instance", "Instance", f'label_values(up{{{NS},job="{name}"}}, instance)'),
        query_var("method", "Method",
                  f'label_values(grpc_server_handled_total{{job="{name}",grpc_service="{proto}"}}, grpc_method)'),
    ]
    return dashboard(f"microreach-{name}", f"microreach / {name}",
                     f"RED signals, outgoing calls, cache and store of the {name} service.",
                     L.panels, variables, tags=["service"])


def cache():
    sel = f'{NS},job=~"$job",cache=~"$cache"'
    L = Layout()
    L.row("Profile cache (Redis)")
    L.add(timeseries("Hit ratio", [
        (f'sum by (job, cache) (rate(microreach_cache_requests_total{{{sel},result=~"hit|negative_hit"}}'
         f'[$__rate_interval])) / sum by (job, cache) (rate(microreach_cache_requests_total{{{sel}}}'
         f'[$__rate_interval]))', "{{job}} {{cache}}")], unit="percentunit", maximum=1))
    L.add(timeseries("Lookups by result", [
        (f'sum by (result) (rate(microreach_cache_requests_total{{{sel}}}[$__rate_interval]))',
         "{{result}}")], unit="ops", stack=True,
        description="bypass: Redis skipped (breaker open) or failed; the store answered."))
    L.add(timeseries("Redis errors by operation", [
        (f'sum by (job, op) (rate(microreach_cache_errors_total{{{sel}}}[$__rate_interval]))',
         "{{job}} {{op}}")]))
    L.add(timeseries("Circuit breaker", [
        (f'max by (job, instance, cache) (microreach_cache_breaker_state{{{sel}}})',
         "{{instance}} {{cache}}")],
        description="0 closed, 1 open (Redis skipped), 2 half-open."))
    L.add(timeseries("Redis latency p99 by operation", [
        (f'histogram_quantile(0.99, sum by (op, le) (rate(microreach_cache_operation_seconds_bucket'
         f'{{{sel}}}[$__rate_interval])))', "{{op}}")], unit="s"))
    L.add(timeseries("Redis calls per second by operation", [
        (f'sum by (op) (rate(microreach_cache_operation_seconds_count{{{sel}}}[$__rate_interval]))',
         "{{op}}")], unit="ops"))
    variables = [
        namespace_var(),
        query_var("job", "Service", f'label_values(microreach_cache_requests_total{{{NS}}}, job)'),
        query_var("cache", "Cache", f'label_values(microreach_cache_requests_total{{{NS}}}, cache)'),
    ]
    return dashboard("microreach-cache", "microreach / Cache",
                     "The Redis profile cache: hit ratio, results, errors, breaker and latency.",
                     L.panels, variables, tags=["cache"])


def all_dashboards():
    out = {"overview.json": overview(), "cache.json": cache()}
    for name, (proto, has_store) in SERVICES.items():
        out[f"{name}.json"] = service(name, proto, has_store)
    return {k: json.dumps(v, indent=2, sort_keys=False) + "\n" for k, v in out.items()}


def main():
    check = "--check" in sys.argv[1:]
    stale = []
    for filename, text in all_dashboards().items():
        path = OUT / filename
        if check:
            if not path.exists() or path.read_text() != text:
                stale.append(str(path))
        else:
            OUT.mkdir(exist_ok=True)
            path.write_text(text)
    if stale:
        print("stale dashboards (run deploy/grafana/generate_dashboards.py):", *stale, sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
