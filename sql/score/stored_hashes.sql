select team_id, record_id, inputs_hash, tier from mo_score
