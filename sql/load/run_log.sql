insert into run_log by name select * from incoming
