create table snap.ref_osiics_diagnosis as
select * from ref_osiics_diagnosis
