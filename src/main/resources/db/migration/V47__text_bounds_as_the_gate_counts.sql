-- Issue 28: what the input gate lets through is what the store keeps. The gate counts a person's text as a person
-- counts characters (extended grapheme clusters, InputGate / Text.personTextProblem) and bounds it at 10 code points a
-- character; these columns counted code points against the character limit, so a title of 41 flags (two code points
-- each) passed the gate and the table refused it (23514, answered INVALID_STATE). Each now holds what the gate allows.
alter table live_stream drop constraint live_stream_title_check,
    add constraint live_stream_title_check check (char_length(title) between 1 and 1400);
alter table stream_goal drop constraint stream_goal_title_check,
    add constraint stream_goal_title_check check (char_length(title) between 1 and 800);
alter table overlay_key drop constraint overlay_key_label_check,
    add constraint overlay_key_label_check check (char_length(label) between 1 and 640);
alter table gift drop constraint gift_name_check,
    add constraint gift_name_check check (char_length(name) between 1 and 640);
alter table payout_account drop constraint payout_account_label_check,
    add constraint payout_account_label_check check (char_length(label) between 1 and 640);
