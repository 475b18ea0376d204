-- The pipeline database: every version of every record, the file ledger, the quarantine and the
-- run log. Contract columns follow sideline/catalogue.py (a test keeps the two in step).

create table run_log (
    run_id varchar primary key,
    started_at timestamp with time zone not null,
    finished_at timestamp with time zone,
    status varchar not null,              -- success | failed
    files_in integer not null,
    rows_in integer not null,
    rows_loaded integer not null,
    rows_quarantined integer not null,
    day_count varchar not null,           -- time-loss convention in force for the run
    message varchar
);

-- One row per file content ever read: a file is read once, whatever its name.
create table file_ledger (
    sha256 varchar primary key,
    file_name varchar not null,
    table_name varchar,
    run_id varchar not null,
    size_bytes bigint not null,
    rows_in integer not null,
    rows_loaded integer not null,
    rows_quarantined integer not null,
    status varchar not null,              -- loaded | partial | quarantined | duplicate
    reason varchar,
    read_at timestamp with time zone not null
);

create table quarantine (
    run_id varchar not null,
    file varchar not null,
    sha256 varchar not null,
    row_number integer,                   -- empty when the whole file was rejected
    column_name varchar,
    rule varchar not null,
    raw_value varchar,
    message varchar not null,
    record json                           -- the whole row as read, so nothing is lost
);

create table validation_result (
    run_id varchar not null,
    table_name varchar not null,
    expectation varchar not null,
    rule varchar not null,
    column_name varchar not null,
    success boolean not null,
    element_count integer not null,
    unexpected_count integer not null
);

create table injuries_history (
    record_key varchar not null,
    version integer not null,
    row_hash varchar not null,
    run_id varchar not null,
    source_file varchar not null,
    source_row integer not null,
    loaded_at timestamp with time zone not null,
    record_id varchar not null,
    team_id varchar not null,
    athlete_id varchar not null,
    athlete_name varchar,
    injury_date date not null,
    injury_time time,
    activity varchar not null,
    sport varchar,
    body_region varchar not null,
    side varchar,
    tissue varchar not null,
    osiics_code varchar,
    mechanism varchar not null,
    contact_source varchar,
    time_loss_start date,
    return_date date,
    first_treatment_at timestamp,
    knee_flexion_deg integer,
    contusion_grade varchar,
    knee_effusion boolean,
    notes varchar,
    extra json,
    primary key (record_key, version)
);

create table exposures_history (
    record_key varchar not null,
    version integer not null,
    row_hash varchar not null,
    run_id varchar not null,
    source_file varchar not null,
    source_row integer not null,
    loaded_at timestamp with time zone not null,
    team_id varchar not null,
    athlete_id varchar not null,
    date date not null,
    activity varchar not null,
    minutes double not null,
    extra json,
    primary key (record_key, version)
);

create table imaging_history (
    record_key varchar not null,
    version integer not null,
    row_hash varchar not null,
    run_id varchar not null,
    source_file varchar not null,
    source_row integer not null,
    loaded_at timestamp with time zone not null,
    record_id varchar not null,
    team_id varchar not null,
    athlete_id varchar not null,
    injury_record_id varchar,
    exam_date date not null,
    modality varchar not null,
    echogenicity varchar,
    calcification varchar,
    lesion_layer varchar,
    lesion_size_mm double,
    impression varchar,
    extra json,
    primary key (record_key, version)
);

-- The current version of each record: the newest version wins, earlier ones stay in history.
create view injuries_latest as
select * exclude (rn) from (
    select *, row_number() over (partition by record_key order by version desc) as rn
    from injuries_history
) where rn = 1;

create view exposures_latest as
select * exclude (rn) from (
    select *, row_number() over (partition by record_key order by version desc) as rn
    from exposures_history
) where rn = 1;

create view imaging_latest as
select * exclude (rn) from (
    select *, row_number() over (partition by record_key order by version desc) as rn
    from imaging_history
) where rn = 1;
