-- The analyst snapshot leaves a per-team relation as it is when what it reads has not changed
-- since the snapshot was made: a night of one team's exposures patched the injuries, imaging,
-- risk and prevention relations for that team all the same, finding nothing to write.
-- `relation_changes` holds an id of the last write that changed any row of each relation
-- (a model, or a history table's `_latest` view), new with every such write; the ids the live
-- snapshot was made from are kept beside it (`snapshot_sources`). Both start empty: a relation
-- not in both is patched as before.
create table relation_changes (
    relation varchar primary key,
    changed_by varchar not null
);

create table snapshot_sources (
    relation varchar primary key,
    changed_by varchar not null
);
