-- The touched teams' rows of `{relation}` as its select now gives them (filled in after the
-- `as`), before they replace the stored ones (sql/model/touched_replace.sql).
create or replace temp table touched_fresh as
