-- The files seen in this listing (registered as `seen_now`) replace the ones seen before.
delete from inbox_seen;
insert into inbox_seen by name select * from seen_now;
