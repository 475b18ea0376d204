insert into validation_result by name select * from incoming
