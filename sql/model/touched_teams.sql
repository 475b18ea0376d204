-- The teams this run loaded rows for, in any table: the teams incremental models refresh.
create or replace temp table touched_teams as
select team_id from injuries_history where run_id = $run_id
union
select team_id from exposures_history where run_id = $run_id
union
select team_id from imaging_history where run_id = $run_id
