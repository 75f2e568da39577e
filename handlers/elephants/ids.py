"""The elephant feature's button ids. Values travel through Slack action ids and Teams card
data: keep every value stable."""

from __future__ import annotations

from enum import StrEnum


class ElephantAction(StrEnum):
    DETAILS = "partnerops.elephant.details"
    FILE_ANYWAY = "partnerops.elephant.file-anyway"
    SEE_IT_TOO = "partnerops.elephant.see-it-too"
    NOT_FOR_ME = "partnerops.elephant.not-for-me"
    FILE_MINE = "partnerops.elephant.file-mine"  # a report held back beside similar ones
    FOLLOW = "partnerops.elephant.follow"  # under a vote: tell me when it changes
