-- Per team over its whole record, beside the reference points of SURVEILLANCE.md.
select
    case when all_teams then 'all teams' else team_id end as team_id,
    injuries,
    round(exposure_hours) as exposure_hours,
    round(incidence_per_1000h, 1) as incidence,
    round(incidence_ci_low, 1) || '-' || round(incidence_ci_high, 1) as incidence_95ci,
    round(match_incidence_per_1000h, 1) as match,
    round(training_incidence_per_1000h, 1) as training,
    round(burden_per_1000h) as burden,
    round(100 * reinjury_share, 1) as reinjury_pct
from injury_rates
where season = 'all'
order by all_teams, injury_rates.team_id
