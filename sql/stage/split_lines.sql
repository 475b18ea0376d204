-- The lines of plain files (registered as `lines_in`) that hold a record, split on their
-- delimiter. A line that is only delimiters and whitespace holds no record, as in the csv
-- reader's path (flows/read.py). Every whitespace character is at most a space, so a line
-- with none (not `spaced`) needs no trimming: most lines are spared the slow trim.
create or replace temp table split as
select
    file_no,
    __id,
    __row,
    string_split(line, $delimiter) as fields,
    regexp_matches(line, '[\x00-\x20]') as spaced
from lines_in
where case
    when ascii(line) > 32 and ascii(line) <> ascii($delimiter) then true
    else trim(replace(line, $delimiter, ''), $whitespace) <> ''
end
