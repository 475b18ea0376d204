-- The rows of the touched teams, before they are built again.
delete from main.{relation}
where team_id in (select team_id from touched_teams)
