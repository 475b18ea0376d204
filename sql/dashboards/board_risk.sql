-- Per team of `$team_ids`, the myositis ossificans risk list: the most urgent tier first (`$tier_order`, least urgent
-- first, from sideline/mo_params.py), then the most recent incident.
select
    risk.team_id,
    risk.record_id,
    risk.athlete_id,
    latest.athlete_name,
    latest.notes,
    risk.injury_date,
    risk.days_since_incident,
    risk.scope,
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
inner join int_injury_names as latest using (team_id, record_id)
left join int_mo_inputs as exams using (team_id, record_id)
where list_contains($team_ids, risk.team_id)
    -- still out, back within four weeks, MO suspected or diagnosed within the year, or an
    -- atypical finding not yet resolved (it stays, however old, until an exam resolves it)
    and (
        latest.return_date is null
        or latest.return_date >= $as_of - interval 28 day
        or (list_contains($mo_tiers, risk.tier) and risk.days_since_incident <= 365)
        or risk.atypical_imaging
    )
order by
    risk.atypical_imaging desc,
    list_position($tier_order, risk.tier) desc,
    risk.days_since_incident,
    risk.record_id
