-- incremental: by team_id
create table snap.data_completeness as
select * from data_completeness
