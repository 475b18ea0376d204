-- IOC 2020 tissue and pathology types with OSIICS and SMDCS codes (sql/reference/ioc_tissue.csv).
create or replace table ref_tissue as
select * from read_csv($ref_tissue, header = true, all_varchar = true)
