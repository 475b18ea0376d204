-- The rows of `{relation}` of the changed teams, in its place (a temporary table shadows the
-- main one) while an incremental analyst relation copies them in.
create or replace temp table {relation} as
select * from main.{relation}
where team_id in (select team_id from snapshot_changed)
