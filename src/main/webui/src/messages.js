// Refusals in plain words, each with what the person can do next. Never a bare error code.
import { count, counted, when } from './format.js';

export function explain(error, context = {}) {
  if (!error) return null;
  switch (error.code) {
    case 'INSUFFICIENT_COINS':
      return { text: `You need ${counted(context.shortfall, 'more coin', 'more coins')} for this gift.`, next: 'Top up exactly what is missing below.' };
    case 'SPENDING_LIMIT_REACHED': {
      const l = context.limit;
      return l
        ? { text: `This gift would pass your ${{ DAY: 'daily', WEEK: 'weekly', MONTH: 'monthly' }[l.period]} limit of ${counted(l.coins, 'coin', 'coins')}: ${count(l.remaining)} left until ${when(l.resetsAt)}.`,
            next: 'Send a smaller gift, or change your limit under My spending (raising it takes 24 hours).' }
        : { text: 'This gift would pass one of your spending limits.', next: 'See My spending for what remains.' };
    }
    case 'AGE_RESTRICTED':
      return { text: 'Buying coins, sending gifts, going live and cashing out are only for people aged 18 and over, and your verified age is under 18 (or none was verified).',
        next: 'You can still watch every stream and its gifts.' };
    case 'STREAM_NOT_LIVE':
      return { text: 'This stream has ended, so it cannot receive gifts.', next: 'Find another stream under Live now.' };
    case 'ACCOUNT_ON_HOLD':
      return { text: 'Your account is on hold while our team reviews it.', next: 'Contact support; nothing was charged.' };
    case 'COIN_DEBT_OUTSTANDING':
      return { text: 'You owe coins from a refunded purchase.', next: 'Your next coin purchase settles the debt first.' };
    case 'RATE_LIMITED':
      return context.operation === 'sendGift'
        ? { text: 'That was a lot of gifts very fast.', next: 'Wait a moment and send again.' }
        // (the service's words name the limit: "at most 10 subscriptions", "one export at a time")
        : { text: error.message || 'That was asked too often just now.', next: 'Wait a moment and try again.' };
    case 'CONFIRMATION_REQUIRED':
      return { text: 'You asked to be reminded once you had sent your chosen amount in one stream, and you have.',
        next: 'Take a breath. Send this gift anyway, or change the reminder under My spending.' };
    case 'GOAL_LIMIT_REACHED':
      return { text: 'A stream can have three goals at a time.', next: 'End one of them first.' };
    case 'MATCH_UNAVAILABLE':
      return { text: error.message, next: 'Pick another live stream, or wait until its match is over.' };
    case 'INVITE_EXPIRED':
      return { text: 'That invitation has expired.', next: 'Ask for a new one.' };
    case 'SELF_GIFT':
      return { text: 'You cannot send gifts to your own stream.', next: null };
    case 'PAYMENT_DECLINED':
      return { text: 'Your card was declined, and no coins were added.', next: 'Try another card.' };
    case 'BELOW_PAYOUT_THRESHOLD':
    case 'PAYOUT_LIMIT_EXCEEDED':
    case 'INSUFFICIENT_DIAMONDS':
    case 'PAYOUT_ACCOUNT_UNVERIFIED':
    case 'ERASURE_BLOCKED':
      return { text: error.message, next: null };
    // what a person typed or picked was not taken: the service's words name the rule
    case 'INVALID_INPUT':
    case 'INVALID_AMOUNT':
    case 'INVALID_QUANTITY':
    case 'BAD_USER_INPUT':
      return { text: `That was not accepted: ${error.message || 'a value is not valid'}`, next: 'Correct it and send again.' };
    case 'GIFT_UNAVAILABLE':
      return { text: 'That gift is not available here right now.', next: 'Pick another gift.' };
    case 'ENDPOINT_NOT_ALLOWED':
      return { text: `That address cannot receive webhooks: ${error.message}`, next: 'Use a public https:// address.' };
    case 'IDEMPOTENCY_KEY_REUSED':
      return { text: 'This was already sent once with other details.', next: 'Reload the page and send it again.' };
    case 'INVALID_STATE':
      return { text: error.message || 'That cannot be done as things are now.', next: 'Reload the page to see how things are now.' };
    case 'CONFLICT':
      return { text: 'Someone changed the same thing at the same moment.', next: 'Reload the page and try again.' };
    case 'NOT_FOUND':
      return { text: 'That is not there: it was removed, or never existed.', next: 'Reload the page to see what is there now.' };
    case 'FORBIDDEN':
      return { text: 'Your account cannot do this.', next: null };
    case 'UNAUTHENTICATED':
      return { text: 'Please sign in first.', next: null };
    case 'UNAVAILABLE':
    case 'NETWORK':
      return { text: 'The service cannot be reached right now.', next: 'Try again shortly; a purchase or gift tried again is never made twice.' };
    case 'BAD_REQUEST':
    case 'QUERY_TOO_COMPLEX':
      return { text: 'This page asked the service something it does not take.', next: 'Reload the page; if it happens again, tell support.' };
    default: // INTERNAL, and anything this page does not know yet
      return { text: 'Something went wrong on our side, not yours.', next: 'Try again; if it keeps happening, tell support.' };
  }
}

/** {@link explain}'s words as one sentence pair, for a line of text. */
export function plainly(error, context) {
  const e = explain(error, context);
  return e.next ? `${e.text} ${e.next}` : e.text;
}

/** A top-level failure (no answer, or a refusal of the whole request). */
export function failure(result) {
  if (!result || !result.error) return null;
  const first = result.error.graphQLErrors && result.error.graphQLErrors[0];
  const code = first ? (first.extensions && first.extensions.code) || 'ERROR' : 'NETWORK';
  if (code === 'FORBIDDEN') return 'Your account cannot open this page.';
  return plainly({ code, message: first ? first.message : '' });
}
