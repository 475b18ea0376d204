-- Each team with injuries or exposures, and the newest run that changed what its pages are
-- built from: the run that loaded its newest rows (of any table) or scored its contusions.
-- History only grows (a correction is a new version, with the run that loaded it), so the row
-- count joins the newest run: a team whose version is unchanged has the same data as when its
-- pages were last built, even if a clock set back gave a later run a smaller id.
select team_id, max(run_id) || ':' || count(*) as data_version
from (
    select team_id, run_id, true as has_records from injuries_history
    union all
    select team_id, run_id, true as has_records from exposures_history
    union all
    select team_id, run_id, false as has_records from imaging_history
    union all
    select team_id, scored_run_id as run_id, false as has_records from mo_score
)
group by team_id
having bool_or(has_records)
order by team_id
