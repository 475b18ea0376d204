-- Each team's data as a version: the newest run that loaded its rows (of any table) or scored
-- its contusions, and how many rows it has. History only grows (a correction is a new version,
-- with the run that loaded it), so the row count joins the newest run: a team whose version is
-- unchanged has the same data as when it was last published, even if a clock set back gave a
-- later run a smaller id. The site shows the teams with injuries or exposures (`has_records`);
-- the analyst snapshot patches every team's rows, imaging-only ones too, by this version.
select
    team_id,
    max(run_id) || ':' || count(*) as data_version,
    bool_or(has_records) as has_records
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
order by team_id
