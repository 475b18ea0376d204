-- A table's text rows into its staging relation: each typed cell takes the parse of its text
-- (a `parsed_<n>` table per typed column, joined on the text and the file's format), beside
-- the text itself; then the columns a stage derives from the typed ones.
insert into {relation} by name
select
    *,
    {{derived}}
from (
    select t.__id, t.__file, t.__row, t.__extra, {{columns}}
    from {source} t
    {{joins}}
)
