insert into quarantine by name select * from incoming
