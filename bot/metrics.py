"""`GET /metrics`: what a process counts, in the Prometheus text format, and the HTTP
middleware that gives every request its id, its access line and its ack latency.

Each Application has its own registry (never prometheus_client's global one): several apps
in one process (the tests) count apart, and one process serves only its own counts. Several
processes of one deployment each serve their own `/metrics`: scrape each (no shared state).
Labels never name a workspace or a person: ids are unbounded, and people stay out.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics
from prometheus_client.exposition import choose_encoder

from bot.core.telemetry import RequestContext, Telemetry, handling, request_id

log = logging.getLogger("partnerops.http")

SCHEDULER_ROLES = ("leader", "standby", "off")
# Slack wants its answer within 3 s; Teams within 15 s.
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 15.0)
HANDLING_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
# The routes whose answer is a platform's ack, and the platform.
ACK_ROUTES = {"/slack/events": "slack", "/api/messages": "teams"}
# Polled by machines: their access lines are written at DEBUG.
QUIET_ROUTES = frozenset({"/healthz", "/metrics"})
REQUEST_ID_HEADER = "X-Request-Id"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Metrics(Telemetry):
    """One application's counters, on its own registry."""

    def __init__(self) -> None:
        # A `_created` series beside every counter and histogram doubles what each scrape
        # stores and says nothing a restart's reset does not (process-wide, idempotent).
        disable_created_metrics()
        self.registry = CollectorRegistry(auto_describe=True)
        registry = self.registry
        self.requests = Counter(
            "partnerops_requests", "Commands, forms, buttons and thread replies handled",
            ("platform", "kind", "command", "status"), registry=registry)
        self.handling = Histogram(
            "partnerops_request_duration_seconds",
            "Time the dispatcher took over a command, form, button or thread reply",
            ("platform", "kind"), buckets=HANDLING_BUCKETS, registry=registry)
        self.http = Counter(
            "partnerops_http_requests", "HTTP requests answered, by route and status code",
            ("route", "method", "code"), registry=registry)
        self.ack = Histogram(
            "partnerops_ack_latency_seconds",
            "From receiving a Slack or Teams request to its HTTP answer",
            ("platform",), buckets=ACK_BUCKETS, registry=registry)
        self.deliveries = Counter(
            "partnerops_deliveries", "Ledger deliveries settled, by outcome",
            ("feature", "kind", "status"), registry=registry)
        self.retries = Counter(
            "partnerops_retries", "Calls to Slack or Teams tried again",
            ("platform", "reason"), registry=registry)
        self.scheduler = Gauge(
            "partnerops_scheduler_role",
            "1 for this process's scheduler role (as /healthz says), 0 for the others",
            ("role",), registry=registry)

    def handled(self, platform: str, kind: str, command: str, status: str,
                seconds: float) -> None:
        self.requests.labels(platform, kind, command, status).inc()
        self.handling.labels(platform, kind).observe(seconds)

    def retried(self, platform: str, reason: str) -> None:
        self.retries.labels(platform, reason).inc()

    def settled(self, feature: str, kind: str, status: str, count: int = 1) -> None:
        self.deliveries.labels(feature, kind, status).inc(count)

    def answered(self, route: str, method: str, code: int, seconds: float) -> None:
        self.http.labels(route, method, str(code)).inc()
        platform = ACK_ROUTES.get(route)
        if platform is not None:
            self.ack.labels(platform).observe(seconds)

    def scheduler_role(self, role: str) -> None:
        for each in SCHEDULER_ROLES:
            self.scheduler.labels(each).set(1 if each == role else 0)

    def exposition(self, accept: str) -> tuple[bytes, str]:
        """The registry's samples, in the format `accept` asks for (text by default)."""
        encoder, content_type = choose_encoder(accept)
        return encoder(self.registry), content_type


def _route_of(request: web.Request) -> str:
    """The route's pattern (`/exports/{token}`), never the path: tokens are secrets."""
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else "unmatched"


def observe_http(metrics: Metrics) -> Callable[[web.Request, Handler],
                                               Awaitable[web.StreamResponse]]:
    """The aiohttp middleware: a request id (the caller's X-Request-Id, else a new one, sent
    back in the answer), one access line, and the HTTP counters and ack latency."""

    @web.middleware
    async def observe(request: web.Request, handler: Handler) -> web.StreamResponse:
        started = time.perf_counter()
        route = _route_of(request)
        context = RequestContext(request_id(request.headers.get(REQUEST_ID_HEADER)),
                                 platform=ACK_ROUTES.get(route, ""))
        code = 500
        with handling(context):
            try:
                response = await handler(request)
                code = response.status
                if not response.prepared:
                    response.headers[REQUEST_ID_HEADER] = context.request_id
                return response
            except web.HTTPException as error:  # an answer too (404, 303, ...)
                code = error.status
                error.headers[REQUEST_ID_HEADER] = context.request_id
                raise
            finally:
                seconds = time.perf_counter() - started
                method = request.method if request.method in METHODS else "other"
                metrics.answered(route, method, code, seconds)
                log.log(logging.DEBUG if route in QUIET_ROUTES else logging.INFO,
                        "%s %s %s in %.1f ms", method, route, code, seconds * 1000,
                        extra={"method": method, "route": route, "http_status": code,
                               "latency_ms": round(seconds * 1000, 1)})

    return observe


def metrics_route(metrics: Metrics, scheduler_role: Callable[[], str]) -> Handler:
    """`GET /metrics`."""

    async def serve(request: web.Request) -> web.Response:
        metrics.scheduler_role(scheduler_role())
        body, content_type = metrics.exposition(request.headers.get("Accept", ""))
        return web.Response(body=body, headers={"Content-Type": content_type})

    return serve
