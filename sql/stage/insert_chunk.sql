-- A parsed chunk of one file's rows (registered as `chunk`) into its table's staging relation.
insert into {relation} by name select * from chunk
