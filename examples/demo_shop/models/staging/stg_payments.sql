-- The raw source is loaded by the raw_payments seed: make dbt build it first.
-- depends_on: {{ ref('raw_payments') }}

with source as (
    select * from {{ source('raw', 'payments') }}
)

select
    id as payment_id,
    order_id,
    payment_method,
    status as payment_status,
    cast(amount_cents / 100.0 as numeric(12, 2)) as amount,
    created_at
from source
