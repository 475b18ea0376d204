-- IOC 2020 body areas with OSIICS and SMDCS letters (sql/reference/ioc_body_region.csv).
create or replace table ref_body_region as
select * from read_csv($ref_body_region, header = true, all_varchar = true)
