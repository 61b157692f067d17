-- A deleted subscription's undelivered events leave the queue in the transaction that deletes it (deleteWebhookSubscription,
-- or an erasure that deletes the person's own subscriptions): they are FAILED with the reason, and no claim round ever
-- reads them again. (Left PENDING, they stayed due for ever, oldest first, and took claim rounds' places.)
create function webhook_subscription_deleted() returns trigger language plpgsql as $$
begin
    update webhook_delivery set status = 'FAILED', lease_until = null, last_error = 'The subscription was deleted'
    where subscription_id = new.id and status = 'PENDING';
    return null;
end
$$;

create trigger webhook_subscription_deleted after update of status on webhook_subscription
    for each row when (new.status = 'DELETED' and old.status is distinct from 'DELETED')
    execute function webhook_subscription_deleted();

update webhook_delivery d set status = 'FAILED', lease_until = null, last_error = 'The subscription was deleted'
from webhook_subscription s
where s.id = d.subscription_id and s.status = 'DELETED' and d.status = 'PENDING';
