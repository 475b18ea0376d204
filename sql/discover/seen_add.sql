-- The new and changed entries of this listing (registered as `seen_now`) added to its memo.
insert into inbox_seen by name select * from seen_now
