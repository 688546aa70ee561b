-- The work ledger (app/ledger) reads the journal by action kind and time.
CREATE INDEX IF NOT EXISTS case_actions_kind ON case_actions(kind, device_time);
