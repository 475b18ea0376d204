create or replace temp table snapshot_changed (team_id varchar primary key)
