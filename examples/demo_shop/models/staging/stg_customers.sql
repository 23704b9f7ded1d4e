-- The raw source is loaded by the raw_customers seed: make dbt build it first.
-- depends_on: {{ ref('raw_customers') }}

with source as (
    select * from {{ source('raw', 'customers') }}
)

select
    id as customer_id,
    first_name,
    last_name,
    first_name || ' ' || last_name as full_name,
    lower(email) as email,
    upper(country_code) as country_code,
    signed_up_at
from source
