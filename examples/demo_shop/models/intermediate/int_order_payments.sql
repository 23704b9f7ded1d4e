-- Successful payments rolled up per order.
select
    order_id,
    count(*) as payment_count,
    sum(amount) as amount_paid,
    sum(case when payment_method = 'gift_card' then amount else 0 end) as gift_card_amount,
    max(created_at) as last_paid_at
from {{ ref('stg_payments') }}
where payment_status = 'success'
group by order_id
