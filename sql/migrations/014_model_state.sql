-- What each incremental model's table was last built whole from (its SQL, its parameters, the
-- schema): while that holds, a run refreshes only the teams it loaded rows for.
create table model_state (
    model varchar primary key,
    build_key varchar not null
);
