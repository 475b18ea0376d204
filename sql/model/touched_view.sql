-- The per-team source `{relation}` narrowed to the touched teams while an incremental model
-- refreshes them: a temporary view of its name, in its place, over the copy of their rows.
create or replace temp view {relation} as
select * from temp.main.{copy}
