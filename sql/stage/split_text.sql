-- Split records as text rows (the shape of a `text_<table>` relation), with each file's name
-- and format (registered as `files_in`), each cell trimmed and an empty one missing: parsed
-- into the staging relation straight from here.
create or replace temp table split_text as
select
    l.__id,
    f.__file,
    l.__row,
    cast(null as varchar) as __extra,
    f.__day_first,
    f.__decimal_comma,
    {{cells}}
from split l
join files_in f using (file_no)
where len(fields) = $width
