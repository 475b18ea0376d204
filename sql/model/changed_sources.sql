-- The history tables this run added rows to, by the `_latest` view incremental models read
-- them through. A refresh of a model none of whose sources changed for the touched teams would
-- give the rows it holds, so it is left as it is (flows/model.py).
select 'injuries_latest' as source
where exists (select 1 from injuries_history where run_id = $run_id)
union all
select 'exposures_latest'
where exists (select 1 from exposures_history where run_id = $run_id)
union all
select 'imaging_latest'
where exists (select 1 from imaging_history where run_id = $run_id)
