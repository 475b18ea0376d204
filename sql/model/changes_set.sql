-- Relations whose rows this run (or whole build) changed: each gets an id of this write, so a
-- snapshot made from an earlier state of it sees that it changed (sql/migrations/022).
insert or replace into relation_changes (relation, changed_by) values (?, cast(uuid() as varchar))
