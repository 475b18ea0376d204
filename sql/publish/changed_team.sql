insert into snapshot_changed (team_id) values (?)
