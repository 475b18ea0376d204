-- Each team's data as a version: the newest run that loaded its rows (of any table) or scored
-- its contusions, and how many rows it has. History only grows (a correction is a new version,
-- with the run that loaded it), so the row count joins the newest run: a team whose version is
-- unchanged has the same data as when it was last published, even if a clock set back gave a
-- later run a smaller id. The site shows the teams with injuries or exposures (`has_records`);
-- the analyst snapshot patches every team's rows, imaging-only ones too, by this version.
--
-- Written by each run, after its scores, for the teams in scope ({{scope}}: the teams it scored,
-- which are the teams it loaded rows for, or every team): only a run changes a team's history
-- or scores, and only the teams it scores.
delete from team_versions where {{scope}};

insert into team_versions
select
    team_id,
    max(run_id) || ':' || count(*) as data_version,
    bool_or(has_records) as has_records
from (
    select team_id, run_id, true as has_records from injuries_history where {{scope}}
    union all
    select team_id, run_id, true as has_records from exposures_history where {{scope}}
    union all
    select team_id, run_id, false as has_records from imaging_history where {{scope}}
    union all
    select team_id, scored_run_id as run_id, false as has_records from mo_score where {{scope}}
)
group by team_id;
