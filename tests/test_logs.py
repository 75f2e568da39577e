"""Our libraries' records never carry what a request held: a body or a query's parameters
name people (an anonymous report's reporter among them)."""

from __future__ import annotations

import io
import json
import logging
import sys

from slack_sdk.web.async_client import AsyncWebClient

from bot.core.telemetry import RequestContext, handling
from bot.logs import (
    JsonFormatter,
    OwnHandler,
    Redactor,
    RequestFields,
    TextFormatter,
    keep_request_content_out_of_logs,
    use_format,
)
from tests.fakes import FakeSlackApi

BODY = {"user": {"id": "U0SECRET", "name": "bob"}, "view": {"state": "Reps hide it"}}


def test_library_records_keep_their_level_and_lose_their_content():
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        keep_request_content_out_of_logs()
        logging.getLogger("slack_bolt").warning("A global middleware skipped (%s)", BODY)
        logging.getLogger("slack_bolt.App").error("Failed to run listener (%s)", BODY)
        try:
            raise ValueError(str(BODY))
        except ValueError:
            logging.getLogger("slack_sdk.web.base_client").exception("request failed")
        logging.getLogger("aiosqlite").debug("executing %s", BODY)
        logging.getLogger("sqlalchemy.engine.Engine").warning("[parameters] %s", BODY)
        logging.getLogger("bot.platforms.slack.outbox").warning("ours stays as written")
    finally:
        root.removeHandler(handler)
    out = written.getvalue()
    assert "U0SECRET" not in out and "bob" not in out and "Reps hide it" not in out
    assert "slack_bolt warning (content withheld" in out
    assert "slack_bolt.App error (content withheld" in out
    assert "slack_sdk.web.base_client error (content withheld: requests name people): " \
        "ValueError" in out
    assert "sqlalchemy.engine.Engine warning (content withheld" in out
    assert "aiosqlite" not in out  # below WARNING: not written at all
    assert "ours stays as written" in out


def _record(message: str, *args: object, level: int = logging.INFO,
            **extra: object) -> logging.LogRecord:
    record = logging.LogRecord("partnerops.requests", level, __file__, 1, message, args, None)
    record.__dict__.update(extra)
    return record


def _written(formatter: logging.Formatter, record: logging.LogRecord) -> str:
    RequestFields().filter(record)
    return formatter.format(record)


def test_a_json_line_is_one_object_with_the_request_context_and_the_access_fields():
    with handling(RequestContext("req-1", "slack", "T0001", "elephant")):
        line = _written(JsonFormatter(), _record(
            "slack command %r: ok in %.1f ms", "elephant", 12.25, kind="command",
            status="ok", latency_ms=12.3, user="U0SECRET"))
    assert "\n" not in line
    fields = json.loads(line)
    assert fields["message"] == "slack command 'elephant': ok in 12.2 ms"
    assert (fields["level"], fields["logger"]) == ("INFO", "partnerops.requests")
    assert {key: fields[key] for key in ("request_id", "platform", "workspace", "command",
                                         "kind", "status", "latency_ms")} == {
        "request_id": "req-1", "platform": "slack", "workspace": "T0001",
        "command": "elephant", "kind": "command", "status": "ok", "latency_ms": 12.3}
    assert fields["time"].endswith("+00:00")
    assert "user" not in fields  # an extra outside the access fields is never written


def test_a_json_line_keeps_a_traceback_on_its_one_line():
    try:
        raise ValueError("boom")
    except ValueError:
        record = _record("failed", level=logging.ERROR)
        record.exc_info = sys.exc_info()
    fields = json.loads(_written(JsonFormatter(), record))
    assert "ValueError: boom" in fields["exception"] and "request_id" not in fields


def test_a_text_line_reads_as_before_with_the_context_after_it():
    outside = _written(TextFormatter(), _record("scheduler started"))
    assert outside.endswith("INFO partnerops.requests: scheduler started")
    with handling(RequestContext("req-2", "teams", "tenant-1", "")):
        inside = _written(TextFormatter(), _record("handled"))
    assert inside.endswith(": handled [request_id=req-2 platform=teams workspace=tenant-1]")


def test_secrets_are_blanked_out_configured_or_by_their_look():
    redact = Redactor(["signing-secret-123", "abc"])  # too short to blank out: kept
    for formatter in (TextFormatter(redact), JsonFormatter(redact)):
        line = _written(formatter, _record(
            "signing-secret-123 xoxb-1-2-abc xapp-1-A Authorization: Bearer eyJhbGc.x "
            "Cookie: partnerops_session=s3ss10n abc"))
        for secret in ("signing-secret-123", "xoxb-1-2-abc", "xapp-1-A", "eyJhbGc",
                       "s3ss10n"):
            assert secret not in line, (formatter, secret)
        assert line.count("[redacted]") == 5 and "abc" in line


def test_log_format_configures_only_the_handler_partnerops_installed():
    ours, theirs = OwnHandler(), logging.StreamHandler()
    root = logging.getLogger()
    root.addHandler(ours)
    root.addHandler(theirs)
    try:
        use_format("json", ["xoxb-canary"])
        assert isinstance(ours.formatter, JsonFormatter) and theirs.formatter is None
        use_format("text")
        assert isinstance(ours.formatter, TextFormatter)
    finally:
        root.removeHandler(ours)
        root.removeHandler(theirs)


class _Watched(str):
    """A text that notes each time it is written out as a Python literal (a debug line)."""

    written: list[str] = []

    def __repr__(self) -> str:
        self.written.append(str(self))
        return str.__repr__(self)


async def test_slack_clients_build_no_debug_line_for_a_call_nobody_logs():
    """slack_sdk builds its debug lines (the request's JSON, the answer) whenever its own
    logger's level is unset, and drops them: each call of a fan-out paid for that."""
    level = logging.getLogger("slack_sdk.web.async_base_client").level
    _Watched.written.clear()
    try:
        async with FakeSlackApi() as slack:
            client = AsyncWebClient(token="xoxb-test", base_url=slack.url)
            logging.getLogger("slack_sdk.web.async_base_client").setLevel(logging.NOTSET)
            await client.chat_postMessage(channel="C1", text=_Watched("as slack_sdk comes"))
            keep_request_content_out_of_logs()
            await client.chat_postMessage(channel="C1", text=_Watched("as the bot runs"))
            assert [call.args["text"] for call in slack.of("chat.postMessage")] == \
                ["as slack_sdk comes", "as the bot runs"]
    finally:
        logging.getLogger("slack_sdk.web.async_base_client").setLevel(level)
    assert _Watched.written == ["as slack_sdk comes"]
