-- Split records as text rows (the shape of a `text_<table>` relation), with each file's name
-- and format (registered as `files_in`): a view, parsed into the staging relation straight
-- from `split`, so the split cells are written once.
create or replace temp view split_text as
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
where l.fits
