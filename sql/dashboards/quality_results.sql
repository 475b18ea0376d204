-- Great Expectations results of the latest run that validated rows, failing rules first.
select table_name, rule, column_name, expectation, success, element_count, unexpected_count
from validation_result
where run_id = (
    select run_id from validation_result
    inner join run_log using (run_id)
    order by run_log.started_at desc limit 1
)
order by success, table_name, rule, column_name
