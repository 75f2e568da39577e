"""`/checkin`: partner check-ins and objective reviews (subcommands shared with `/standup`)."""

from __future__ import annotations

from handlers.cadence_command import command_feature
from storage.cadence_models import CadenceKind

FEATURE = command_feature(CadenceKind.CHECKIN)
