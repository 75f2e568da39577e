"""Loopback fakes of Slack and the Bot Framework connector for end-to-end tests."""

from tests.fakes import slack_requests, teams_activities
from tests.fakes.bot_connector import FakeBotConnector
from tests.fakes.recorder import CallLog, FakeServer, Fault, RecordedCall
from tests.fakes.slack_api import FakeSlackApi

__all__ = [
    "CallLog",
    "FakeBotConnector",
    "FakeServer",
    "FakeSlackApi",
    "Fault",
    "RecordedCall",
    "slack_requests",
    "teams_activities",
]
