create table snap.run_log as
select * from run_log order by started_at
