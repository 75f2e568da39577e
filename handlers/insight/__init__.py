"""Insight: observers and their weekly digest, and the dashboard's sign-in links. It reads
every feature's digest sections and pages from the finished registry."""

from __future__ import annotations

from bot.core.commands import Feature, Registry, Subcommand
from handlers.insight.dashboard import sign_in_link
from handlers.insight.digest import FEATURE, ObserverDigestDueWork
from handlers.insight.observers import digest_command, observers


def build(registry: Registry) -> Feature:
    """Adds `observers` and `digest` to `/partnerops`; registered after the other features."""

    def sections() -> tuple:
        return registry.digest_sections

    return Feature(name=FEATURE, due=(ObserverDigestDueWork(sections),), extends=(
        ("partnerops", Subcommand(
            "observers", "Who gets a weekly digest (of one cadence, or of everything) and is "
                         "asked nothing; add or remove one.",
            "observers [add|remove @someone [<cadence>]]", observers,
            examples=("observers", "observers add @dana", "observers add @lee Daily"),
            admin_only=True)),
        ("partnerops", Subcommand(
            "digest", "Your weekly digest now, if you observe; or the day and time it comes.",
            "digest [<day> <HH:MM>]", digest_command(sections),
            examples=("digest", "digest friday 16:00"))),
        ("partnerops", Subcommand(
            "dashboard", "A private link to the read-only dashboard: partners, objectives, "
                         "participation, the herd and campaigns (a partner's contact: their "
                         "own partner).", "dashboard", sign_in_link, examples=("dashboard",))),
    ))
