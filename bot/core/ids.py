"""Action and form ids: each feature names its own in an enum; the core only routes them."""

from __future__ import annotations

from typing import TypeAlias

# A button's id. Values travel through Slack action_ids and Teams card data: a feature's
# enum of them (a StrEnum) keeps them stable; an id nobody registered is answered as stale.
ActionId: TypeAlias = str
# A form's id; values travel through Slack callback_ids and Teams card data too.
FormId: TypeAlias = str
