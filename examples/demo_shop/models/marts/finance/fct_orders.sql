with orders as (
    select * from {{ ref('stg_orders') }}
),

payments as (
    select * from {{ ref('int_order_payments') }}
)

select
    orders.order_id,
    orders.customer_id,
    orders.order_date,
    orders.status,
    coalesce(payments.payment_count, 0) as payment_count,
    coalesce(payments.amount_paid, 0) as amount,
    coalesce(payments.gift_card_amount, 0) as gift_card_amount,
    case when payments.amount_paid > 0 then true else false end as is_paid
from orders
left join payments on orders.order_id = payments.order_id
