-- Risk model v2 (CLINICAL.md): contusions outside the quadriceps get no score, and reminders
-- count from the day their trigger happened: the day the tier was reached, the first exam that
-- showed MO calcification, the exam that opened an atypical finding. Stored v1 scores stay
-- until the version change re-scores them on the next run.
alter table mo_score alter column score drop not null;
alter table mo_score add column scope varchar;
alter table mo_score add column tier_on date;
alter table mo_score add column suspected_on date;
alter table mo_score add column atypical_on date;
