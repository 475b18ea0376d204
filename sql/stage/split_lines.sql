-- The lines of plain files (registered as `lines_in`) that hold a record, split on their
-- delimiter, with each field trimmed and an empty one missing (`{{cells}}`, named by the
-- header's columns). A line that is only delimiters and whitespace holds no record, as in the
-- csv reader's path (flows/read.py). Every whitespace character is at most a space, so a line
-- with none (not `spaced`) needs no trimming: most lines are spared the slow trim. A line
-- without as many fields as the header (not `fits`) keeps its fields, to be reported whole.
create or replace temp table split as
select
    file_no,
    __id,
    __row,
    len(fields) = $width as fits,
    case when len(fields) <> $width then fields end as fields,
    {{cells}}
from (
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
)
