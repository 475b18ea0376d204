-- Current injuries without names. Region and tissue recorded as `unknown` are filled from a
-- known OSIICS code; an unknown code fills nothing (data_completeness reports it).
-- incremental: by team_id
create or replace table stg_injuries as
with latest as (
    select * from injuries_latest
),

codes as (
    select * from ref_osiics_diagnosis
),

filled as (
    select
        latest.* exclude (athlete_name, body_region, tissue),
        case
            when latest.body_region = 'unknown' and codes.body_region is not null
                then codes.body_region
            else latest.body_region
        end as body_region,
        case
            when latest.tissue = 'unknown' and codes.tissue is not null then codes.tissue
            else latest.tissue
        end as tissue,
        (latest.body_region = 'unknown' and codes.body_region is not null)
        or (latest.tissue = 'unknown' and codes.tissue is not null) as is_filled_from_code
    from latest
    left join codes on upper(latest.osiics_code) = codes.osiics_code
),

final as (
    select
        *,
        coalesce(time_loss_start, injury_date) as loss_start,
        -- one event, several diagnoses: same athlete, same day, same time (or no time); a JSON
        -- array, readable and collision-free whatever the ids hold
        to_json([team_id, athlete_id, cast(injury_date as varchar), cast(injury_time as varchar)])
            ::varchar as event_id,
        season_label(injury_date, $season_start_month) as season
    from filled
)

select * from final
