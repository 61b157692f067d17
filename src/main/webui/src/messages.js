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
      return { text: 'Buying coins, sending gifts and cashing out are only for people aged 18 and over, and your verified age is under 18.',
        next: 'You can still watch every stream and its gifts.' };
    case 'STREAM_NOT_LIVE':
      return { text: 'This stream has ended, so it cannot receive gifts.', next: 'Find another stream under Live now.' };
    case 'ACCOUNT_ON_HOLD':
      return { text: 'Your account is on hold while our team reviews it.', next: 'Contact support; nothing was charged.' };
    case 'COIN_DEBT_OUTSTANDING':
      return { text: 'You owe coins from a refunded purchase.', next: 'Your next coin purchase settles the debt first.' };
    case 'RATE_LIMITED':
      return { text: 'That was a lot of gifts very fast.', next: 'Wait a moment and send again.' };
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
      return { text: error.message, next: null };
    default:
      return { text: error.message || 'Something went wrong.', next: null };
  }
}

/** A top-level failure (no answer, or a refusal of the whole request). */
export function failure(result) {
  if (!result || !result.error) return null;
  const code = result.error.graphQLErrors && result.error.graphQLErrors[0] && result.error.graphQLErrors[0].extensions
    ? result.error.graphQLErrors[0].extensions.code : null;
  if (code === 'UNAUTHENTICATED') return 'Please sign in first.';
  if (code === 'FORBIDDEN') return 'Your account cannot open this page.';
  if (code === 'UNAVAILABLE' || !code) return 'The service cannot be reached right now. It will retry; try again shortly.';
  return result.error.graphQLErrors[0].message;
}
