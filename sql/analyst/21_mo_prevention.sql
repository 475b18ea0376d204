-- incremental: by team_id
create table snap.mo_prevention as
select * from mo_prevention
