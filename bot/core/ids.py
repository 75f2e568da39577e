"""Every action and form id in one place, so platforms can route them without guessing."""

from __future__ import annotations

from enum import StrEnum


class ActionId(StrEnum):
    """Buttons. Values travel through Slack action_ids and Teams card data: keep them stable."""

    SHOW_HELP = "partnerops.help"
    CADENCE_ANSWER = "partnerops.cadence.answer"
    CADENCE_SKIP = "partnerops.cadence.skip"


class FormId(StrEnum):
    """Forms. Values travel through Slack callback_ids and Teams card data: keep them stable."""

    ELEPHANT_REPORT = "partnerops.elephant.report"
    CADENCE_SETUP = "partnerops.cadence.setup"
    CADENCE_ANSWER = "partnerops.cadence.answer"
