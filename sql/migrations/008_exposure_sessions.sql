-- Exposure sessions (CONTRACT section 1): two-a-day training gives an athlete two rows for one
-- date and activity. A version of a record is now the set of rows one file carries for its key:
-- one row for injuries and imaging, one row per session for exposures (`session_no` numbers
-- them), and a later file's set replaces the earlier set whole.
alter table injuries_history add column session_no integer default 1;
alter table imaging_history add column session_no integer default 1;

create table exposures_sessions (
    record_key varchar not null,
    version integer not null,
    session_no integer not null default 1,
    row_hash varchar not null,
    run_id varchar not null,
    source_file varchar not null,
    source_row integer not null,
    loaded_at timestamp with time zone not null,
    team_id varchar not null,
    athlete_id varchar not null,
    date date not null,
    period_end date,
    session_id varchar,
    activity varchar not null,
    minutes double not null,
    extra json,
    primary key (record_key, version, session_no)
);
insert into exposures_sessions by name select *, 1 as session_no from exposures_history;
drop view exposures_latest;
drop table exposures_history;
alter table exposures_sessions rename to exposures_history;

-- The current version of each record is every row of its newest version.
create or replace view injuries_latest as
select * from injuries_history
qualify version = max(version) over (partition by record_key);

create or replace view exposures_latest as
select * from exposures_history
qualify version = max(version) over (partition by record_key);

create or replace view imaging_latest as
select * from imaging_history
qualify version = max(version) over (partition by record_key);
