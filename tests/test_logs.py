"""Our libraries' records never carry what a request held: a body or a query's parameters
name people (an anonymous report's reporter among them)."""

from __future__ import annotations

import io
import logging

from bot.logs import keep_request_content_out_of_logs

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
