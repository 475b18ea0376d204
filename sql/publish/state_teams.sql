select team_id, data_version from snapshot_teams
