select team_id, record_id, inputs_hash, tier from mo_score
where team_id in (select team_id from score_teams)
