-- What `{history}`'s newest versions hold of the touched teams, copied (`{target}`) for the
-- incremental models that refresh them. The rule of the `_latest` views (every row of each
-- record's newest version), narrowed to the teams first, since a record key includes its team:
-- the few records with a later version than the first are found, and every other record's
-- rows are of its first version. A window over all the team's rows took twice as long.
create or replace temp table {target} as
with newer as (
    select record_key, max(version) as newest
    from main.{history}
    where team_id in (select team_id from touched_teams) and version > 1
    group by record_key
)

select history.*
from main.{history} as history
left join newer using (record_key)
where history.team_id in (select team_id from touched_teams)
    and history.version = coalesce(newer.newest, 1)
