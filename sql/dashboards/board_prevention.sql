-- Each team's (of `$team_ids`) prevention process measures this season and the one before (mo_prevention).
select
    team_id,
    season,
    season = season_label($as_of, $season_start_month) as is_current,
    contusions,
    treated_promptly,
    treated_before_delay_limit,
    treatment_time_missing,
    incident_time_missing,
    flexion_measured_12_48h,
    flexion_missing,
    flexion_time_missing,
    days_lost,
    prompt_hours,
    delay_hours
from mo_prevention
where list_contains($team_ids, team_id)
    and season in (
        season_label($as_of, $season_start_month),
        season_label($as_of - interval 1 year, $season_start_month)
    )
order by season desc
