-- The id of the last write that changed each relation the snapshot may read (sql/model/changes_set.sql).
select relation, changed_by from relation_changes
