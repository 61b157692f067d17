-- A stream that ends mid-match forfeits it (V13); one that ends once the match's window has closed, before the match
-- clock (a tick a second) has closed it, does not: the match is closed by its score, as the clock would have closed it
-- (README "LIVE Match": only ending a stream mid-match forfeits). The rest is V13's, unchanged.
create or replace function live_stream_goals_end() returns trigger language plpgsql as $$
begin
    update stream_goal
    set ended_at = new.ended_at, end_seq = coalesce((select last from stream_gift_seq where stream_id = new.id), 0)
    where stream_id = new.id and ended_at is null;
    -- one clock reading for the whole decision (V20's rule): forfeited and winner never disagree at the boundary
    update live_match m
    set status = 'FINISHED', finished_at = n.at,
        forfeited_stream = case when m.ends_at > n.at then new.id end,
        winner = case when m.ends_at > n.at then case when m.inviter_stream = new.id then 'INVITEE' else 'INVITER' end
                      when m.inviter_score > m.invitee_score then 'INVITER' when m.invitee_score > m.inviter_score then 'INVITEE'
                      else 'TIE' end
    from (select clock_timestamp() as at) n
    where m.status = 'RUNNING' and (m.inviter_stream = new.id or m.invitee_stream = new.id);
    update live_match set status = 'CANCELLED', finished_at = clock_timestamp()
    where status = 'INVITED' and (inviter_stream = new.id or invitee_stream = new.id);
    return null;
end $$;
