create table snap.mo_parameters as
select * from mo_parameters order by name
