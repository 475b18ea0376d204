-- The same content can arrive under two names in one run (`x.csv` and `x (1).csv`, as a browser
-- saves a second download): the ledger keeps a row for each name, so its key is content and
-- name. A content is still read once: later runs skip every content the ledger holds.
create table file_ledger_by_name (
    sha256 varchar not null,
    file_name varchar not null,
    table_name varchar,
    run_id varchar not null,
    size_bytes bigint not null,
    rows_in integer not null,
    rows_loaded integer not null,
    rows_quarantined integer not null,
    status varchar not null,              -- loaded | partial | quarantined | duplicate
    reason varchar,
    read_at timestamp with time zone not null,
    primary key (sha256, file_name)
);
insert into file_ledger_by_name by name select * from file_ledger;
drop table file_ledger;
alter table file_ledger_by_name rename to file_ledger;
