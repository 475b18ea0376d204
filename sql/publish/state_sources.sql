select relation, changed_by from snapshot_sources
