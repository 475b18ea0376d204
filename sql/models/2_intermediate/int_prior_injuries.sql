-- Every earlier injury of the same athlete, pair by pair, with how the two compare. Diagnoses
-- of one event (same athlete, day and time) are never earlier than each other. Both the
-- subsequent-injury classification and the myositis ossificans re-injury factor read this.
-- incremental: by team_id
create or replace table int_prior_injuries as
with injuries as (
    select * from stg_injuries
),

final as (
    select
        later.team_id,
        later.record_id,
        later.injury_date,
        later.body_region,
        later.tissue,
        prior.record_id as prior_record_id,
        prior.injury_date as prior_date,
        prior.injury_time as prior_time,
        prior.return_date as prior_return,
        prior.body_region as prior_body_region,
        prior.tissue as prior_tissue,
        coalesce(later.side, 'na') in ('na', 'unknown')
        or coalesce(prior.side, 'na') in ('na', 'unknown') as is_side_unrecorded,
        coalesce(later.side = prior.side or 'bilateral' in (later.side, prior.side), false)
        as is_same_side
    from injuries as later
    inner join injuries as prior
        on later.team_id = prior.team_id
        and later.athlete_id = prior.athlete_id
        and later.event_id <> prior.event_id
        and (
            prior.injury_date < later.injury_date
            or (prior.injury_date = later.injury_date and prior.injury_time < later.injury_time)
        )
)

select * from final
