create table snap.exposures as
with latest as (
    select * from exposures_latest
),

final as (
    select
        team_id,
        athlete_id,
        date,
        activity,
        minutes,
        season_label(date, $season_start_month) as season
    from latest
)

select * from final order by team_id, date, athlete_id, activity
