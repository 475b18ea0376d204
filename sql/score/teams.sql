-- The teams this run scores: those it loaded rows for, or every team with a contusion or score.
create or replace temp table score_teams as
select team_id from touched_teams where $only_touched
union
select team_id from int_mo_inputs where not $only_touched
union
select team_id from mo_score where not $only_touched
