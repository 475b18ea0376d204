-- Each team's data as a version: the newest run that loaded its rows (of any table) or scored
-- its contusions, and how many rows it has. History only grows (a correction is a new
-- version), so an unchanged version means the same rows; with the same models (their whole
-- builds, `model_state`), every per-team relation of the snapshot holds the same rows for it.
select team_id, max(run_id) || ':' || count(*) as data_version
from (
    select team_id, run_id from injuries_history
    union all
    select team_id, run_id from exposures_history
    union all
    select team_id, run_id from imaging_history
    union all
    select team_id, scored_run_id as run_id from mo_score
)
group by team_id
