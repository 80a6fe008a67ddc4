// The rewards feed's older credits: the account's RewardCredited events, newest first, one page after a cursor (the
// cursor of the last credit shown), so "Older credits" continues where the feed's first read ended.
export const OLDER_CREDITS = `query OlderCredits($address: Address!, $first: Int!, $after: String!) { account(address: $address) {
  rewardHistory(first: $first, after: $after) { nodes { height sequence amount detail datanet model contribution inference timestamp }
    pageInfo { hasNextPage endCursor } } } }`;

/** How many credits a page holds: 50 unless the address asks for 1 to 100 (`#/rewards/<address>?per=N`). */
export const creditsPerPage = (per?: string) => {
  const n = Number(per);
  return Number.isInteger(n) && n >= 1 && n <= 100 ? n : 50;
};
