-- Great Expectations results of every run, rule by rule, for the data-quality page.
create table snap.validation_result as
select * from validation_result order by run_id, table_name, rule, column_name
