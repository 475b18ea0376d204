select team_id, record_id, inputs_hash from mo_score
