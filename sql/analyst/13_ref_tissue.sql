create table snap.ref_tissue as
select * from ref_tissue
