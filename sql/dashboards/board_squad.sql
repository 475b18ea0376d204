-- The squad this season: athletes with exposure in the current season or an injury in it.
select count(distinct athlete_id) as athletes
from (
    select athlete_id from int_exposure_months
    where team_id = $team_id and season = season_label($as_of, $season_start_month)
    union
    select athlete_id from stg_injuries
    where team_id = $team_id and season = season_label($as_of, $season_start_month)
)
