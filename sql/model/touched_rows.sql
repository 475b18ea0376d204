-- The touched teams' rows of the incremental model `{relation}`, in its place while a model
-- built from it refreshes them.
create or replace temp table {relation} as
select * from main.{relation}
where team_id in (select team_id from touched_teams)
