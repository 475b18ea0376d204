-- Exposure history without its primary-key index. DuckDB keeps an index in memory, and a run
-- that loads millions of sessions builds its part in memory inside the run's transaction: at
-- league scale that alone passed any memory limit. The key stays unique by construction (the
-- upsert numbers a record's new versions after its newest one), and each run checks its own
-- rows (sql/load/unique_versions.sql) before it commits.
create table exposures_unindexed (
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
    extra json
);
insert into exposures_unindexed by name select * from exposures_history;
drop view exposures_latest;
drop table exposures_history;
alter table exposures_unindexed rename to exposures_history;

-- The current version of each record is every row of its newest version.
create view exposures_latest as
select * from exposures_history
qualify version = max(version) over (partition by record_key);
