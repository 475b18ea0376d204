-- The columns each relation of the attached snapshot holds, in order.
select table_name, list(column_name order by column_index)
from duckdb_columns()
where database_name = 'snap'
group by table_name
