"""Prometheus metrics: messages, decisions, latency, errors (labels carry no personal data)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

from handlers.engine import Handled


class Metrics:
    """One registry per process; `observe` is the engine's observer."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.messages = Counter("bot_messages_total", "Messages handled", ["channel", "kind"], registry=self.registry)
        self.decisions = Counter("bot_match_decisions_total", "Matcher decisions", ["decision"], registry=self.registry)
        self.errors = Counter("bot_errors_total", "Messages that failed", ["channel"], registry=self.registry)
        self.latency = Histogram(
            "bot_handle_seconds",
            "Time to handle one message (engine, including the database)",
            ["channel"],
            buckets=(0.002, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
            registry=self.registry,
        )
        self.sms = Counter("bot_sms_sent_total", "One-time codes sent by SMS", registry=self.registry)

    def observe(self, handled: Handled) -> None:
        self.messages.labels(handled.channel, handled.kind).inc()
        self.latency.labels(handled.channel).observe(handled.seconds)
        if handled.decision:
            self.decisions.labels(handled.decision).inc()
        if handled.failed:
            self.errors.labels(handled.channel).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)
