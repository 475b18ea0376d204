delete from snapshot_build;
delete from snapshot_teams;
delete from snapshot_models;
delete from snapshot_sources;
