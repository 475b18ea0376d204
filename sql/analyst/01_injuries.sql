-- Current injuries without athlete names, with days lost, severity and subsequent class.
-- incremental: by team_id
create table snap.injuries as
select * from injuries
