"""Our libraries' own log records, kept free of what requests carry.

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

import logging

LIBRARY_LOGGERS = ("slack_bolt", "slack_sdk", "botbuilder", "botframework", "msrest",
                   "urllib3", "aiohttp.access", "aiosqlite", "asyncpg", "sqlalchemy.engine",
                   "sqlalchemy.pool")
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
    for name in LIBRARY_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(logging.WARNING)
        _install(logger)
    for handler in logging.getLogger().handlers:
        _install(handler)
