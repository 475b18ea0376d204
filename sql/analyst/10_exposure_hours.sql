-- incremental: by team_id
create table snap.exposure_hours as
select * from exposure_hours
