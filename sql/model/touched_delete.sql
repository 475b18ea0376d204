-- The rows of the teams this run loaded rows for, before they are built again.
delete from main.{relation}
where team_id in (select team_id from main.{history} where run_id = $run_id)
