-- Current exposure rows with hours and season.
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
        season_label(date, $season_start_month) as season
    from latest
)

select * from final
