create table snap.ref_body_region as
select * from ref_body_region
