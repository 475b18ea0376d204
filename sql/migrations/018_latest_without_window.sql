-- The current version of each record is still every row of its newest version, but a window
-- over every record is no longer how it is found: at 10M exposure sessions that window took
-- 11 s of each whole model build. Most records were never corrected, so their version 1 is
-- their newest; only the records that have a later version (few) are ranked.
create or replace view injuries_latest as
(
    select * from injuries_history
    where version = 1
        and record_key not in (select record_key from injuries_history where version > 1)
)
union all
(
    select * from injuries_history
    where record_key in (select record_key from injuries_history where version > 1)
    qualify version = max(version) over (partition by record_key)
);

create or replace view exposures_latest as
(
    select * from exposures_history
    where version = 1
        and record_key not in (select record_key from exposures_history where version > 1)
)
union all
(
    select * from exposures_history
    where record_key in (select record_key from exposures_history where version > 1)
    qualify version = max(version) over (partition by record_key)
);

create or replace view imaging_latest as
(
    select * from imaging_history
    where version = 1
        and record_key not in (select record_key from imaging_history where version > 1)
)
union all
(
    select * from imaging_history
    where record_key in (select record_key from imaging_history where version > 1)
    qualify version = max(version) over (partition by record_key)
);
