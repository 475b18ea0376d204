-- The rows of the teams whose history changed since the snapshot was built, before theirs are
-- copied in again.
delete from snap.{relation}
where team_id in (select team_id from touched_teams)
