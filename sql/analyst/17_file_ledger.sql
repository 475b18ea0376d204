-- Every file ever read, with its rows in, loaded and quarantined (in = loaded + quarantined).
create table snap.file_ledger as
select * from file_ledger order by read_at, file_name
