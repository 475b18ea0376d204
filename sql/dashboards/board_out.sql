-- Per team of `$team_ids`: who is out (an open injury) and who is on modified duty (back within the last 7 days, or an
-- injury of the last 7 days without time loss), with an expected return: the injury date plus
-- the median days lost of the team's closed injuries of the same region and tissue.
with injuries as (
    select
        latest.team_id,
        latest.record_id,
        latest.athlete_id,
        latest.athlete_name,
        latest.notes,
        marts.injury_date,
        coalesce(marts.time_loss_start, marts.injury_date) as loss_start,
        marts.return_date,
        marts.body_region,
        marts.tissue,
        marts.side,
        marts.days_lost,
        marts.is_ongoing
    from int_injury_names as latest
    inner join injuries as marts using (team_id, record_id)
    where list_contains($team_ids, latest.team_id)
),

typical as (
    select
        team_id,
        body_region,
        tissue,
        median(days_lost) as median_days,
        count(*) as closed_injuries
    from injuries
    where not is_ongoing
    group by all
),

final as (
    select
        i.team_id,
        i.athlete_id,
        i.athlete_name,
        i.record_id,
        i.notes,
        i.body_region,
        i.tissue,
        i.side,
        i.injury_date,
        i.loss_start as out_since,
        i.days_lost,
        case
            when i.is_ongoing then 'unavailable'
            else 'modified'
        end as availability,
        i.return_date,
        case
            when i.is_ongoing and t.median_days is not null
                then i.loss_start + cast(round(t.median_days) + 1 as integer)
        end as expected_return,
        t.closed_injuries as expected_from_n
    from injuries as i
    left join typical as t using (team_id, body_region, tissue)
    where i.is_ongoing
        or i.return_date >= $as_of - interval 7 day
        or (i.injury_date >= $as_of - interval 7 day and i.days_lost = 0)
)

select * from final
order by availability = 'modified', out_since, athlete_id
