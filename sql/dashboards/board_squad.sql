-- Per team of `$team_ids`, the squad this season: athletes with exposure in the current season
-- or an injury in it (a team with neither has no row).
select team_id, count(distinct athlete_id) as athletes
from (
    select team_id, athlete_id from int_exposure_months
    where list_contains($team_ids, team_id) and season = season_label($as_of, $season_start_month)
    union
    select team_id, athlete_id from stg_injuries
    where list_contains($team_ids, team_id) and season = season_label($as_of, $season_start_month)
)
group by team_id
