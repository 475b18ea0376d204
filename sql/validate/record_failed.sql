-- Remember which staged rows failed, so the load and the reference rule leave them out.
insert into staging.failed select $table_name, unnest($ids)
