-- What `{history}`'s newest versions hold of the touched teams (`{target}`), for the
-- incremental models that refresh them: a view, not a copy. Each `_latest` view has one or two
-- readers among the models, which take a few of its columns; copying a team's exposures whole
-- (58k rows at 1.2M) took 40-60 ms of the 60-140 ms their model's refresh took. The rule of the `_latest` views (every row of each
-- record's newest version), narrowed to the teams first, since a record key includes its team:
-- the few records with a later version than the first are found, and every other record's
-- rows are of its first version. A window over all the team's rows took twice as long.
create or replace temp view {target} as
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
