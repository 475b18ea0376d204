-- Whether only the teams this run loaded rows for (`touched_teams`) need scoring: a contusion's
-- inputs come from its own team's rows, so the other teams' scores still hold when every
-- stored score is of this model version and their contusions and scores are the same keys.
with others_inputs as (
    select team_id, record_id from int_mo_inputs
    where team_id not in (select team_id from touched_teams)
),

others_scores as (
    select team_id, record_id from mo_score
    where team_id not in (select team_id from touched_teams)
)

select
    not exists (select 1 from mo_score where model_version <> $model_version)
    and not exists (select * from others_inputs except select * from others_scores)
    and not exists (select * from others_scores except select * from others_inputs)
