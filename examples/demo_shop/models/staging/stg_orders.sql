-- The raw source is loaded by the raw_orders seed: make dbt build it first.
-- depends_on: {{ ref('raw_orders') }}

with source as (
    select * from {{ source('raw', 'orders') }}
)

select
    id as order_id,
    customer_id,
    order_date,
    status,
    updated_at
from source
