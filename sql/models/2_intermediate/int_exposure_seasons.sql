-- Exposure per team, season and activity, in exact minutes: what the rates across teams read
-- (a few rows a team), so that a night rebuilding them reads a row per team-season instead of
-- every athlete-month of the league (int_exposure_months). Sums of exact decimals give the
-- digits the sessions give, in whatever order they are added.
-- incremental: by team_id
create or replace table int_exposure_seasons as
select
    team_id,
    season,
    activity,
    sum(minutes_exact) as minutes_exact
from int_exposure_months
group by all
