-- The touched teams' rows of the incremental relation `{relation}`, as `{target}`: in its place
-- (the same name) while a relation built from it refreshes them, or a copy under another name.
create or replace temp table {target} as
select * from main.{relation}
where team_id in (select team_id from touched_teams)
