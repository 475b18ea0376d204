drop table if exists texts
