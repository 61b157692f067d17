-- Anonymous gifting as a default (issue 30): a viewer's choice that their gifts start out anonymous. Clients tick
-- "Send anonymously" from it; each gift's own gift_event.anonymous still decides what others see. A constant default
-- adds the column without rewriting app_user, and every existing person keeps gifting by name.
alter table app_user add column anonymous_by_default boolean not null default false;
