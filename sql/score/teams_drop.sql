drop table if exists temp.main.score_teams;
drop table if exists temp.main.touched_teams;
