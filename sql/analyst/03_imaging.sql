-- incremental: by team_id
create table snap.imaging as
with latest as (
    select * from imaging_latest
),

final as (
    select
        team_id,
        record_id,
        athlete_id,
        injury_record_id,
        exam_date,
        modality,
        echogenicity,
        calcification,
        lesion_layer,
        lesion_size_mm,
        impression,
        version
    from latest
)

select * from final order by team_id, exam_date, record_id
