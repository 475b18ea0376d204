select distinct team_id from (
    select team_id from injuries_latest
    union
    select team_id from exposures_latest
)
order by team_id
