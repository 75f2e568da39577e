"""The clock only: run-due over every registered due-work source, wake-up planning,
catch-up, leader election and recovery of a dead run's claims. Names no feature."""
