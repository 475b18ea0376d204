select * from int_mo_inputs
where team_id in (select team_id from score_teams)
order by team_id, record_id
