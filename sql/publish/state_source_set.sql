insert into snapshot_sources (relation, changed_by) values (?, ?)
