-- Per file that did not load whole, newest runs first: rows in, loaded, quarantined, the rules
-- its rows failed (with counts), and for a whole rejected file its reason (the rule name only on
-- the public copy: older reasons may quote a cell). Whole-file rejections lead.
with by_rule as (
    select
        sha256,
        file,
        string_agg(rule || ' ' || failures, ', ' order by failures desc, rule) as rules
    from (
        select sha256, file, rule, count(*) as failures
        from quarantine
        where row_number is not null
        group by all
    )
    group by all
)

select
    ledger.file_name,
    ledger.table_name,
    ledger.status,
    ledger.rows_in,
    ledger.rows_loaded,
    ledger.rows_quarantined,
    by_rule.rules,
    case when $public then split_part(ledger.reason, ':', 1) else ledger.reason end as reason
from file_ledger as ledger
inner join run_log using (run_id)
left join by_rule
    on ledger.sha256 = by_rule.sha256 and ledger.file_name = by_rule.file
where ledger.status <> 'loaded'
order by
    ledger.status = 'quarantined' and ledger.rows_in = 0 desc,
    run_log.started_at desc,
    ledger.file_name
limit 200
