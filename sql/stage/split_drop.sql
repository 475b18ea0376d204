drop table if exists split
