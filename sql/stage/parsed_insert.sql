-- A batch of parsed texts (registered as `chunk`).
insert into {{target}} select * from chunk
