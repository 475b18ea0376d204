-- Exposure per athlete, season, activity and calendar month (of the session's first day),
-- with the days it spans: what the rate, prevalence and completeness marts read, about an
-- eighth of the rows of stg_exposures. Minutes are exact decimals, so sums of these sums give
-- the digits the sessions give.
-- incremental: by team_id
create or replace table int_exposure_months as
select
    team_id,
    athlete_id,
    season,
    activity,
    date_trunc('month', date)::date as month_start,
    sum(minutes_exact) as minutes_exact,
    count(*) as sessions,
    min(date) as first_day,
    max(coalesce(period_end, date)) as last_day
from stg_exposures
group by all
