"""`/standup`: async team standups (the subcommands are shared with `/checkin`)."""

from __future__ import annotations

from handlers.cadence_command import command_feature
from storage.cadence_models import CadenceKind

FEATURE = command_feature(CadenceKind.STANDUP)
