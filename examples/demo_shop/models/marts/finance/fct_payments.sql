{{
    config(
        materialized='incremental',
        unique_key='payment_id',
        on_schema_change='append_new_columns'
    )
}}

select
    payments.payment_id,
    payments.order_id,
    orders.customer_id,
    payments.payment_method,
    payments.payment_status,
    payments.amount,
    payments.created_at
from {{ ref('stg_payments') }} as payments
inner join {{ ref('stg_orders') }} as orders on payments.order_id = orders.order_id

{% if is_incremental() %}
-- Re-read the latest timestamp too: the unique_key makes the overlap harmless.
where payments.created_at >= (select max(created_at) from {{ this }})
{% endif %}
