drop table touched_changed
