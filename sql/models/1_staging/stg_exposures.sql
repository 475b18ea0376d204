-- Current exposure rows with hours and season.
-- incremental: by team_id
create or replace table stg_exposures as
with latest as (
    select * from exposures_latest
),

final as (
    select
        team_id,
        athlete_id,
        date,
        period_end,
        session_id,
        activity,
        minutes,
        minutes / 60.0 as hours,
        -- what models sum instead of hours: a sum of decimals is exact, so it does not depend
        -- on the order threads add rows in, and two builds of one inbox give the same digits
        minutes::decimal(38, 6) as minutes_exact,
        season_label(date, $season_start_month) as season
    from latest
)

select * from final
