-- incremental: by team_id
create table snap.mo_risk as
select * from mo_risk
