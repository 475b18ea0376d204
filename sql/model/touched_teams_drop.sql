drop table if exists temp.main.touched_teams
