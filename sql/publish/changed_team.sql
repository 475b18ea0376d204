insert into touched_teams (team_id) values (?)
