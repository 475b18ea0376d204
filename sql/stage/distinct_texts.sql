-- Each distinct text of one column of a table's text rows, with each format it came in,
-- numbered so that they can be read a bounded batch at a time.
create or replace temp table texts as
select row_number() over () as n, *
from (
    select distinct {{column}} as text, __day_first as day_first, __decimal_comma as decimal_comma
    from {source}
    where {{column}} is not null
)
