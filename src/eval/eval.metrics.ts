/** What one query produced: the rank of the right product (1-based; null = not in the list) and its score. */
export interface QueryOutcome {
  rank: number | null;
  /** similarity of the right product, when it was listed */
  score: number | null;
  /** this query's own threshold (per-query default); the common one when absent */
  threshold?: number;
}

/** A negative: the best score anything in the catalog got (null: empty list) and the query's threshold. */
export type NegativeOutcome = number | null | { top: number | null; threshold: number };

export interface EvalMetrics {
  recall_at_1: number;
  recall_at_5: number;
  recall_at_10: number;
  mrr: number;
  /** share of queries whose right product passes the threshold (would be shown) */
  above_threshold: number;
  /** share of negatives for which nothing passes the threshold («nothing similar»); null without negatives */
  negatives_rejected: number | null;
  queries: number;
}

const round = (x: number) => Math.round(x * 10000) / 10000;

/**
 * Retrieval metrics over queries with exactly one right product each. `negativeTopScores` holds,
 * per negative query, the best score anything in the catalog got (null when the list was empty).
 */
export function computeMetrics(
  outcomes: QueryOutcome[],
  threshold: number,
  negativeTopScores?: NegativeOutcome[],
): EvalMetrics {
  const n = outcomes.length;
  const share = (pred: (o: QueryOutcome) => boolean) => (n ? round(outcomes.filter(pred).length / n) : 0);
  const within = (k: number) => (o: QueryOutcome) => o.rank !== null && o.rank <= k;
  return {
    recall_at_1: share(within(1)),
    recall_at_5: share(within(5)),
    recall_at_10: share(within(10)),
    mrr: n ? round(outcomes.reduce((s, o) => s + (o.rank ? 1 / o.rank : 0), 0) / n) : 0,
    above_threshold: share((o) => o.score !== null && o.score >= (o.threshold ?? threshold)),
    negatives_rejected:
      negativeTopScores && negativeTopScores.length
        ? round(negativeTopScores.filter((n) => rejected(n, threshold)).length / negativeTopScores.length)
        : null,
    queries: n,
  };
}

function rejected(n: NegativeOutcome, threshold: number): boolean {
  if (n === null) return true;
  if (typeof n === 'number') return n < threshold;
  return n.top === null || n.top < n.threshold;
}
