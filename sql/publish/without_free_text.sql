-- Free text stays in the pipeline database unless the team opts its analysts in
-- (SIDELINE_ANALYST_FREE_TEXT): clinicians write names into notes and impressions.
alter table snap.injuries drop column notes;
alter table snap.imaging drop column impression;
