-- Contract extensions: intermittent time loss and exposure rows that total a period.
alter table injuries_history add column days_missed integer;
alter table exposures_history add column period_end date;
