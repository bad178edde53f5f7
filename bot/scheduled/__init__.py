"""Scheduled work: the tick, the pure planner, the ledger-claimed sender and the jobs
that join them."""
