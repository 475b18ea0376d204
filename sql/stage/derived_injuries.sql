-- the incident's date and time; a missing time is read as the start of the day, the earliest
-- the incident can have been, so a treatment time on that day never fails the order rule
injury_date + coalesce(injury_time, time '00:00:00') as incident_at
