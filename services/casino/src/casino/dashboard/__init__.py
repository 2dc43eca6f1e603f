"""The back office's dashboard: its figures from the ledger (`queries`) and the charts that
draw them (`charts`)."""
