-- What of the quarantine may leave the pipeline database (`quarantine_shareable`, migrations
-- 009 and 023), worked out once for the snapshot, in its place while the snapshot is filled:
-- two relations of the snapshot read it, and at 10M rows (21,500 quarantined rows) each
-- reading of the view took 20-65 ms. The snapshot's transaction ends with it dropped.
create or replace temp table quarantine_shareable as
select * from main.quarantine_shareable
