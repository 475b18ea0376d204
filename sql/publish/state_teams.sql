select team_id, exposure_version from snapshot_teams
