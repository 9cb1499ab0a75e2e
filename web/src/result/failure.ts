import { mismatch as t } from "../i18n/ko";
import type { Failure } from "../verify/verify";

/** A verification failure in Korean. */
export function describeFailure(f: Failure): string {
  switch (f.kind) {
    case "shape":
      return t.shape(f.field);
    case "version":
      return t.version(f.got);
    case "seedFormat":
      return t.seedFormat;
    case "seedCommitment":
      return t.seedCommitment(f.computed, f.bundle);
    case "publishedCommitment":
      return t.publishedCommitment(f.published, f.bundle);
    case "algorithm":
      return t.algorithm(f.got);
    case "randomWeight":
      return t.randomWeight(f.participantId, f.weight);
    case "weightRange":
      return t.weightRange(f.participantId, f.weight);
    case "order":
      return t.order(f.participantId);
    case "entriesHash":
      return t.entriesHash(f.computed, f.bundle);
    case "totalEntries":
      return t.totalEntries(f.computed, f.bundle);
    case "tooFew":
      return t.tooFew(f.count, f.winnerCount);
    case "winnerCount":
      return t.winnerCount(f.bundle, f.computed);
    case "winner":
      return t.winner(f.rank, f.bundle, f.computed);
    case "alternateCount":
      return t.alternateCount(f.bundle, f.computed);
    case "alternate":
      return t.alternate(f.rank, f.bundle, f.computed);
    case "substitutionNoAlternate":
      return t.substitutionNoAlternate(f.index);
    case "substitutionHolder":
      return t.substitutionHolder(f.index, f.rank, f.holder, f.disqualified);
    case "substitutionReplacement":
      return t.substitutionReplacement(f.index, f.replacement, f.expected);
  }
}
