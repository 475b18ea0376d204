-- Current injuries without athlete names, with days lost, severity and subsequent class.
create table snap.injuries as
select * from injuries
