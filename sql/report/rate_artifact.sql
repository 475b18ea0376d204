-- The rates table of a run's Prefect artifact: each team and season, and across teams.
select
    coalesce(team_id, 'all teams') as team,
    season,
    injuries,
    round(exposure_hours, 1) as exposure_hours,
    round(incidence_per_1000h, 2) as incidence_per_1000h,
    round(burden_per_1000h, 1) as burden_per_1000h
from injury_rates
order by all_teams, team_id, season
