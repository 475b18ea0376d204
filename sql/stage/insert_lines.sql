-- Split records as text rows, with each file's name and format (registered as `files_in`),
-- each cell trimmed and an empty one missing.
insert into {relation} by name
select l.__id, f.__file, l.__row, f.__day_first, f.__decimal_comma, {{cells}}
from split l
join files_in f using (file_no)
where len(fields) = $width
