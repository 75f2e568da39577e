"""Slack: slack-bolt AsyncApp over HTTP (or Socket Mode), Block Kit rendering, Web API outbox."""

from bot.platforms.slack.platform import SlackPlatform

__all__ = ["SlackPlatform"]
