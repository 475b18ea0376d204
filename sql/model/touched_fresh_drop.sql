drop table touched_fresh
