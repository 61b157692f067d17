-- A deleted subscription's undelivered events leave the queue in the transaction that deletes it (deleteWebhookSubscription,
-- or an erasure that deletes the person's own subscriptions): they are FAILED with the reason, and no claim round ever
-- reads them again. (Left PENDING, they stayed due for ever, oldest first, and took claim rounds' places.)
-- A delivery whose attempt is being settled at that moment (the settle locks the delivery, then the subscription: the
-- other order from this one) is skipped rather than waited for, so the two never deadlock; it stays pending, and no
-- claim round takes it, as only active subscriptions' deliveries are claimed.
create function webhook_subscription_deleted() returns trigger language plpgsql as $$
begin
    update webhook_delivery d set status = 'FAILED', lease_until = null, last_error = 'The subscription was deleted'
    where d.id in (select p.id from webhook_delivery p where p.subscription_id = new.id and p.status = 'PENDING'
                   for update skip locked);
    return null;
end
$$;

create trigger webhook_subscription_deleted after update of status on webhook_subscription
    for each row when (new.status = 'DELETED' and old.status is distinct from 'DELETED')
    execute function webhook_subscription_deleted();

update webhook_delivery d set status = 'FAILED', lease_until = null, last_error = 'The subscription was deleted'
from webhook_subscription s
where s.id = d.subscription_id and s.status = 'DELETED' and d.status = 'PENDING';
