-- Who started a run: `manual` (sideline run, demo) or `scheduled` (the served deployment).
alter table run_log add column trigger varchar;
