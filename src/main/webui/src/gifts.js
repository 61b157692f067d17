// How a gift looks: an emoji per catalogue animation (a reference client needs no animation assets).
const ICONS = { rose: '🌹', 'finger-heart': '🫰', perfume: '🧴', 'hand-hearts': '🫶', sunglasses: '🕶️', 'money-gun': '💸',
  galaxy: '🌌', lion: '🦁', universe: '🪐' };

export function icon(gift) {
  if (!gift) return '🎁';
  const key = (gift.animationKey || gift.name || '').toLowerCase().replace(/^gifts\//, '').replace(/\s+/g, '-');
  return ICONS[key] || '🎁';
}

/** The feed's tiers: a bigger tier gets a bigger, longer alert (see styles.css). */
export function tierClass(tier) {
  return `tier-${Math.max(1, Math.min(10, tier || 1))}`;
}
