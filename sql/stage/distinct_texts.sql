-- Each distinct text of one column of a table's text rows, with each format it came in.
select distinct {{column}} as text, __day_first as day_first, __decimal_comma as decimal_comma
from {source}
where {{column}} is not null
