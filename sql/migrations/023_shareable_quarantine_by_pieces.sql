-- `quarantine_shareable` shows what it showed (009): a raw value is blanked when any word of any
-- name the pipeline has seen (three letters or more, lower case) is a part of it. The check
-- is now a join: every piece of each distinct shareable value, as long as some name word, is
-- looked up among the words. Checked as `contains` against every word, it cost the values
-- times the words: 2.4 s for 21,000 quarantined rows and 12,000 name words, a league's
-- nightly snapshot reading the view twice. The names are split once each, not once per
-- injury: 60 against 3.5 ms at 78,000 injury versions.
--
-- The words are of ASCII letters (the split's `[:alpha:]`), so a word is a part of a value's
-- bytes exactly when it is a part of its characters, as `substring` takes them.
create or replace view quarantine_shareable as
with names as (
    select athlete_name as name
    from injuries_history
    where athlete_name is not null
    union
    select record ->> 'athlete_name'
    from quarantine
    where record ->> 'athlete_name' is not null
),

name_words as (
    -- every word of every name the pipeline has seen: a raw value holding one is blanked too,
    -- whatever column it sits in (a value shifted by an unquoted comma)
    select distinct lower(word) as word
    from (select unnest(regexp_split_to_array(name, '[^[:alpha:]]+')) as word from names)
    where length(word) >= 3
),

word_lengths as (
    select distinct length(word) as letters from name_words
),

shareable_values as (
    select distinct lower(raw_value) as value
    from quarantine
    where raw_value_shareable and raw_value is not null
),

starts as (
    select value, unnest(range(1, length(value) + 1)) as start from shareable_values
),

pieces as (
    select starts.value, substring(starts.value, starts.start, word_lengths.letters) as piece
    from starts
    cross join word_lengths
    where starts.start + word_lengths.letters - 1 <= length(starts.value)
),

naming as (
    -- the shareable values with a name's word in them
    select distinct pieces.value
    from pieces
    inner join name_words on pieces.piece = name_words.word
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
                select 1 from naming
                where naming.value = lower(quarantine.raw_value)
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
