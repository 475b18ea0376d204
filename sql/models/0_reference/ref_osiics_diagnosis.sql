-- OSIICS diagnoses Sideline knows, with the region and tissue each implies
-- (sql/reference/osiics_diagnosis.csv).
create or replace table ref_osiics_diagnosis as
select * from read_csv($ref_osiics_diagnosis, header = true, all_varchar = true)
