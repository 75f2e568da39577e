"""run-due: everything every feature owes people up to an instant, each exactly once.

The database decides what is due; this runs from the scheduler, from `partnerops jobs
run-due`, from the console's clock and from tests alike. Each run holds a lease, settles
the claims of runs that died first, then runs every registered due-work source through
the one delivery ledger: running it twice, or in two processes, sends nothing twice.
"""

from __future__ import annotations

import logging
from datetime import datetime

from handlers.common.context import Services
from handlers.common.due import DueReport, DueRun
from handlers.common.ledger import run_lease
from schedules.recovery import settle_abandoned_claims

log = logging.getLogger(__name__)


async def run_due(services: Services, now: datetime) -> DueReport:
    """Send every timed message due up to `now`, from every feature, exactly once each."""
    report = DueReport()
    async with run_lease(services) as lease_id:
        report.recovered = await settle_abandoned_claims(services, now, own_lease=lease_id)
        run = DueRun(services, now, lease_id, report)
        for source in services.due_work:
            try:
                await source.run(run)
            except Exception as error:  # one broken feature must not starve the others
                log.exception("run-due failed for %s", source.feature)
                report.broken[source.feature] = type(error).__name__
    return report
