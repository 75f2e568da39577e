"""Logging: our libraries' own records kept free of what requests carry, and our own lines
written as text or JSON (LOG_FORMAT), each with its request's context, secrets blanked out.

bolt prints request bodies in some warnings ("A global middleware ... ({body})", unhandled
requests) and errors; msrest (under botbuilder) logs Bot Framework bodies at DEBUG, and
urllib3 under it each connector URL (a 1:1 conversation's id names its person); aiohttp's
access log (off in `partnerops run`) writes whole paths, link tokens included; the database
drivers log each query's parameters at DEBUG (SQLAlchemy at INFO with echo). All of these
hold user ids, names, what people wrote or secrets, so an anonymous report could end up in
the logs. Those loggers write WARNING and above only, and every record keeps its level and
the logger's name, and loses its text and arguments.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from datetime import UTC, datetime

from bot.core.telemetry import current_request

LIBRARY_LOGGERS = ("slack_bolt", "slack_sdk", "botbuilder", "botframework", "msrest",
                   "urllib3", "aiohttp.access", "aiosqlite", "asyncpg", "sqlalchemy.engine",
                   "sqlalchemy.pool")
# slack_sdk's Web API clients build their debug lines (each request's JSON, each answer)
# whenever their own logger's level is unset, whatever its parents' (`logger.level <=
# DEBUG`, not isEnabledFor): about a tenth of every call's instructions, then dropped.
SLACK_CLIENT_LOGGERS = ("slack_sdk.web.async_base_client", "slack_sdk.web.base_client")
WITHHELD = "partnerops_withheld"


class WithoutRequestContent(logging.Filter):
    """Replace a library record's message with one that carries nothing it was given."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith(LIBRARY_LOGGERS) or getattr(record, WITHHELD, False):
            return True  # not theirs, or withheld already (records pass several filters)
        kind = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else ""
        record.msg = f"{record.name} {record.levelname.lower()} (content withheld: requests " \
                     f"name people){f': {kind}' if kind else ''}"
        record.args = ()
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        setattr(record, WITHHELD, True)
        return True


def _install(filterer: logging.Filterer) -> None:
    if not any(isinstance(item, WithoutRequestContent) for item in filterer.filters):
        filterer.addFilter(WithoutRequestContent())


def keep_request_content_out_of_logs() -> None:
    """Install the filter (once, however often called) where every record passes: on the
    libraries' own loggers, and on the handlers that write records out (a record of a child
    logger such as `slack_bolt.App` skips its parents' filters but not the handlers')."""
    for name in LIBRARY_LOGGERS + SLACK_CLIENT_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(logging.WARNING)
        _install(logger)
    for handler in logging.getLogger().handlers:
        _install(handler)


# --- How our own lines are written: text or JSON, each with its request's context ---

CONTEXT_FIELDS = ("request_id", "platform", "workspace", "command")
# What the access lines add with `extra=` (bot/metrics.py, handlers/common/observe.py); JSON
# writes these and no other extra, so nothing a library attaches to a record gets out.
ACCESS_FIELDS = ("kind", "status", "latency_ms", "method", "route", "http_status")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = "[redacted]"
# Secrets by their look, whatever configured them: Slack tokens, bearer tokens, cookies.
SECRET_LOOKS = re.compile(
    r"\b(?:xox[a-z]-|xapp-)[A-Za-z0-9-]+"
    r"|(?P<named>(?i:\bbearer\s+|\b(?:set-)?cookie\s*[:=]\s*))[^\s;,\"']+")
SHORTEST_SECRET = 6  # a shorter "secret" would blank out ordinary words


class RequestFields(logging.Filter):
    """Every record gets the current request's id, platform, workspace and command (empty
    outside a request: the scheduler, start-up)."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = current_request()
        for name in CONTEXT_FIELDS:
            if not getattr(record, name, ""):
                setattr(record, name, getattr(context, name, "") if context else "")
        return True


class Redactor:
    """Blanks out the configured secrets and anything that looks like a token."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets = sorted({secret for secret in secrets
                                if len(secret) >= SHORTEST_SECRET}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return SECRET_LOOKS.sub(lambda found: (found["named"] or "") + REDACTED, text)


class TextFormatter(logging.Formatter):
    """`time LEVEL logger: message [request_id=… platform=… workspace=… command=…]`."""

    def __init__(self, redact: Redactor | None = None) -> None:
        super().__init__(TEXT_FORMAT)
        self._redact = redact or Redactor()

    def formatMessage(self, record: logging.LogRecord) -> str:
        line = super().formatMessage(record)
        fields = " ".join(f"{name}={value}" for name in CONTEXT_FIELDS
                          if (value := getattr(record, name, "")))
        return f"{line} [{fields}]" if fields else line

    def format(self, record: logging.LogRecord) -> str:
        return self._redact(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, the request's context,
    the access fields, and the exception's traceback if any."""

    def __init__(self, redact: Redactor | None = None) -> None:
        super().__init__()
        self._redact = redact or Redactor()

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": self._redact(record.getMessage()),
        }
        for name in (*CONTEXT_FIELDS, *ACCESS_FIELDS):
            value = getattr(record, name, None)
            if value not in (None, ""):
                line[name] = self._redact(value) if isinstance(value, str) else value
        if record.exc_info:
            line["exception"] = self._redact(self.formatException(record.exc_info))
        if record.stack_info:
            line["stack"] = self._redact(self.formatStack(record.stack_info))
        return json.dumps(line, ensure_ascii=False, default=str)


class OwnHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler `partnerops` installs on the root logger (where nothing else did, as
    `logging.basicConfig` would): the one `use_format` configures."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(TextFormatter())
        self.addFilter(RequestFields())


def use_format(log_format: str, secrets: Iterable[str] = ()) -> None:
    """LOG_FORMAT (`text` or `json`) for the handler `partnerops` installed, which also
    blanks out `secrets` wherever they would appear."""
    redact = Redactor(secrets)
    formatter = JsonFormatter(redact) if log_format == "json" else TextFormatter(redact)
    for handler in logging.getLogger().handlers:
        if isinstance(handler, OwnHandler):
            handler.setFormatter(formatter)
