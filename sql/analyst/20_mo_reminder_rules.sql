create table snap.mo_reminder_rules as
select * from mo_reminder_rules order by rule
