-- What `{latest}` holds of the teams this run loaded rows for, in its place (a temporary table
-- shadows the main view) while an incremental model refreshes those teams. The same rule as
-- the view (every row of each record's newest version); the teams are narrowed before the
-- window, since a record key includes its team.
create or replace temp table {latest} as
select * from main.{history}
where team_id in (select team_id from main.{history} where run_id = $run_id)
qualify version = max(version) over (partition by record_key)
