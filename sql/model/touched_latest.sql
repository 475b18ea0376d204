-- What `{latest}` holds of the touched teams, in its place (a temporary table shadows the main
-- view) while an incremental model refreshes them. The same rule as the view (every row of
-- each record's newest version); the teams are narrowed before the window, since a record key
-- includes its team.
create or replace temp table {latest} as
select * from main.{history}
where team_id in (select team_id from touched_teams)
qualify version = max(version) over (partition by record_key)
