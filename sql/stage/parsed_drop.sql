drop table {{target}}
