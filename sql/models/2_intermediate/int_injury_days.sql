-- Days lost per diagnosis (SURVEILLANCE.md, "Time loss").
-- ioc: from the first day of time loss to the return, exclusive of both:
--      max(0, (return_date - time_loss_start) - 1); intermittent loss counts the days missed.
-- calendar: return_date - injury_date, as injurytools counts.
-- Still open at $as_of: right-censored, days to date by the same rule, flagged ongoing.
-- incremental: by team_id
create or replace table int_injury_days as
with injuries as (
    select * from stg_injuries
),

counted as (
    select
        team_id,
        record_id,
        return_date is null and days_missed is null as is_ongoing,
        -- an integer (date_diff gives BIGINT, which sums to HUGEINT and reaches pandas as float)
        cast(case
            when $day_count = 'calendar'
                then date_diff('day', injury_date, coalesce(return_date, $as_of))
            when days_missed is not null then days_missed
            else greatest(0, date_diff('day', loss_start, coalesce(return_date, $as_of)) - 1)
        end as integer) as days_lost
    from injuries
),

final as (
    select
        *,
        case
            when is_ongoing then 'ongoing'
            when days_lost <= 3 then '0-3'
            when days_lost <= 7 then '4-7'
            when days_lost <= 28 then '8-28'
            else '>28'
        end as severity,
        $day_count as day_count
    from counted
)

select * from final
