-- The myositis ossificans risk list: highest tier first, then the most recent incident.
select
    risk.record_id,
    risk.athlete_id,
    latest.athlete_name,
    latest.notes,
    risk.injury_date,
    risk.days_since_incident,
    risk.deep_contusion,
    risk.reinjury,
    risk.delayed_treatment,
    risk.knee_effusion,
    risk.collision_sport,
    risk.score,
    risk.tier,
    risk.tier_max,
    risk.incomplete,
    risk.atypical_imaging,
    risk.reasons,
    risk.reminders,
    risk.missing_fields,
    coalesce(exams.exams, []) as exams
from mo_risk as risk
inner join injuries_latest as latest using (team_id, record_id)
left join int_mo_inputs as exams using (team_id, record_id)
where risk.team_id = $team_id
    -- still out, back within four weeks, or MO suspected or diagnosed within the year
    and (
        latest.return_date is null
        or latest.return_date >= $as_of - interval 28 day
        or (risk.tier in ('suspected_mo', 'diagnosed_mo') and risk.days_since_incident <= 365)
    )
order by
    list_position(
        ['diagnosed_mo', 'suspected_mo', 'very_high', 'high', 'moderate', 'low'], risk.tier
    ),
    risk.days_since_incident,
    risk.record_id
