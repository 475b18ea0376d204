insert into snapshot_teams (team_id, exposure_version) values (?, ?)
