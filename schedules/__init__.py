"""The clock: when cadence occurrences are due, the delivery ledger, catch-up and run-due."""
