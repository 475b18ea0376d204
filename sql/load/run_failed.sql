-- A failed run: its row is added, or, when the run's writes had committed and a later stage
-- (publishing) failed, its committed row is marked failed (or cancelled) with the step and what
-- happened.
insert into run_log by name
select * from incoming where run_id not in (select run_id from run_log);
update run_log
set status = (select status from incoming),
    message = (select message from incoming),
    step = (select step from incoming),
    finished_at = (select finished_at from incoming)
where run_id = (select run_id from incoming);
