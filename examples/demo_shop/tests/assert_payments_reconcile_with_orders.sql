-- Every successful payment must be counted in exactly one order's amount:
-- returns a row (and fails) when the two totals differ by more than a cent.
with paid as (
    select sum(amount) as total from {{ ref('stg_payments') }} where payment_status = 'success'
),

ordered as (
    select sum(amount) as total from {{ ref('fct_orders') }}
)

select paid.total as paid_total, ordered.total as ordered_total
from paid cross join ordered
where abs(paid.total - ordered.total) > 0.01
