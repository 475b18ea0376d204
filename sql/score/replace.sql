-- Of the teams scored, drop scores whose contusion is gone or whose inputs changed, then add
-- the new scores (registered as `rescored`); unchanged scores stay as they were, with their
-- run id.
delete from mo_score
where team_id in (select team_id from score_teams)
    and (
        (team_id, record_id) not in (select (team_id, record_id) from current_keys)
        or (team_id, record_id) in (select (team_id, record_id) from rescored)
    );
insert into mo_score by name select * from rescored;
