-- What of the quarantine may leave the pipeline database (CONTRACT section 4): the analyst
-- snapshot and the public site read `quarantine_shareable`, never `quarantine`.
-- `raw_value_shareable` is set by the pipeline from the column catalogue: a raw value is shown
-- only for a structured contract column (never a name, free text, an extra column, or a line
-- that could not be split into columns). Messages written since say what is wrong without
-- quoting a cell; older ones may quote one, so they are withheld.
alter table quarantine add column raw_value_shareable boolean;

-- Older ledger reasons of these rules named the first row's cells (a headerless file's data).
update file_ledger
set reason = split_part(reason, ':', 1) || ': (reason withheld: written before reasons were made value-free)'
where reason like 'unknown_table:%' or reason like 'duplicate_header:%';

create view quarantine_shareable as
with name_words as (
    -- every word of every name the pipeline has seen: a raw value holding one is blanked too,
    -- whatever column it sits in (a value shifted by an unquoted comma)
    select distinct lower(word) as word
    from (
        select unnest(regexp_split_to_array(athlete_name, '[^[:alpha:]]+')) as word
        from injuries_history
        where athlete_name is not null
        union all
        select unnest(regexp_split_to_array(record ->> 'athlete_name', '[^[:alpha:]]+'))
        from quarantine
        where record ->> 'athlete_name' is not null
    )
    where length(word) >= 3
)

select
    quarantine.run_id,
    quarantine.file,
    quarantine.sha256,
    quarantine.row_number,
    quarantine.column_name,
    quarantine.rule,
    case
        when quarantine.raw_value_shareable
            and not exists (
                select 1 from name_words
                where contains(lower(quarantine.raw_value), name_words.word)
            )
            then quarantine.raw_value
    end as raw_value,
    case
        when quarantine.raw_value_shareable is null
            then 'rule ' || quarantine.rule
                || ' (message withheld: written before messages were made value-free)'
        else quarantine.message
    end as message
from quarantine;
