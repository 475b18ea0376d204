insert into file_ledger by name select * from incoming
