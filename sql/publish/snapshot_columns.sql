-- The columns a relation of the attached snapshot holds, in order.
select column_name
from duckdb_columns()
where database_name = 'snap' and table_name = $1
order by column_index
