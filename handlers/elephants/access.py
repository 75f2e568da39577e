"""Who may see and file elephants: the vendor's own teams, never partner contacts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.core.errors import UserError
from bot.core.responses import Response
from handlers.common.context import CommandContext
from storage.common.models import Person, Role

REFUSAL = ("Elephant reports are for the vendor's own teams. Tell your partner manager what "
           "gets in the way; they can file it.")


def require_internal(person: Person) -> None:
    """Elephants are the vendor's own friction: partner contacts neither see nor file them."""
    if person.role is Role.PARTNER_CONTACT or person.is_external:
        raise UserError(REFUSAL)


def internal_only(handler: Callable[[CommandContext], Awaitable[Response]]
                  ) -> Callable[[CommandContext], Awaitable[Response]]:
    """`handler`, refused (the same way on every subcommand) to partner contacts."""
    async def checked(ctx: CommandContext) -> Response:
        require_internal(ctx.person)
        return await handler(ctx)

    checked.__doc__ = handler.__doc__
    return checked
