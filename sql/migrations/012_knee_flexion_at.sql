-- Risk model v2 (CLINICAL.md): when the knee flexion was measured, so that only a measurement
-- within 7 days of the incident grades the contusion. Stored rows did not carry it.
alter table injuries_history add column knee_flexion_at timestamp;
