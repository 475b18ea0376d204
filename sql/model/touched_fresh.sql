-- The rows in scope of a relation as its select now gives them (filled in after the `as`),
-- before they replace the stored ones (sql/model/replace_rows.sql).
create or replace temp table touched_fresh as
