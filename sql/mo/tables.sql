-- The myositis ossificans model's parameter and reminder tables (sideline/mo_params.py), written
-- before the models run so the SQL inputs read the same numbers and codes as the Python rules;
-- `mo_param(name)` gives one entry's value as JSON.
create or replace table mo_parameters (
    name varchar primary key,
    value json not null,
    unit varchar not null,
    rule varchar not null,
    evidence varchar not null,
    model_version varchar not null
);
create or replace table mo_reminder_rules (
    rule varchar primary key,
    applies varchar not null,
    trigger varchar not null,
    due_from_day integer not null,
    due_by_day integer,
    closes_day integer,
    closes_at_return boolean not null,
    done_when varchar,
    kind varchar not null,
    text varchar not null,
    source varchar not null,
    model_version varchar not null
);
create or replace macro mo_param(entry) as (
    select value from mo_parameters where name = entry
);
