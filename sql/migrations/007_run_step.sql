-- A failed run says at which step it failed (discover, read, validate, load, publish), so a run
-- whose rows committed but whose publishing failed is told apart from one that changed nothing.
alter table run_log add column step varchar;
