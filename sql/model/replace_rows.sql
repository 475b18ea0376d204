-- The rows of `{catalog}.{relation}` in scope ({{scope}}) that differ from `touched_fresh`
-- (`touched_changed`, sql/model/changed_rows.sql) replaced by the fresh ones, and
-- `touched_changed` dropped.
delete from {catalog}.{relation} as stored
where {{scope}}
    and hash(stored) in (select whole_row_hash from touched_changed);

insert into {catalog}.{relation}
select * from touched_fresh as fresh
where hash(fresh) in (select whole_row_hash from touched_changed);

drop table touched_changed
