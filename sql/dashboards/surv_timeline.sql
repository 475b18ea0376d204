-- Per team of `$team_ids`, injuries of the current season per athlete: from incident to return (or today, still out).
select
    marts.team_id,
    latest.athlete_id,
    latest.athlete_name,
    marts.record_id,
    marts.injury_date,
    coalesce(marts.return_date, $as_of) as end_date,
    marts.is_ongoing,
    marts.severity,
    marts.body_region,
    marts.tissue
from injuries as marts
inner join int_injury_names as latest using (team_id, record_id)
where list_contains($team_ids, marts.team_id) and marts.season = season_label($as_of, $season_start_month)
order by latest.athlete_id, marts.injury_date
