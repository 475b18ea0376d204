select * from int_mo_inputs order by team_id, record_id
