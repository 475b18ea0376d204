drop table if exists temp.main.snapshot_changed
