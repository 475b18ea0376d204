insert into snapshot_teams (team_id, data_version) values (?, ?)
