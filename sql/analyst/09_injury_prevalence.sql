-- incremental: by team_id
create table snap.injury_prevalence as
select * from injury_prevalence
