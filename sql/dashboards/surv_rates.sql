-- Each team's (of `$team_ids`) rates by season. The season in progress is labelled so: its rates are of a part season.
select
    team_id,
    season || case
        when season = season_label($as_of, $season_start_month) then ' (in progress)' else ''
    end as season,
    injuries,
    exposure_hours,
    incidence_per_1000h,
    incidence_ci_low,
    incidence_ci_high,
    burden_per_1000h,
    burden_ci_low,
    burden_ci_high,
    match_incidence_per_1000h,
    training_incidence_per_1000h,
    reinjury_share,
    day_count
from injury_rates
where list_contains($team_ids, team_id) and season <> 'all'
order by season
