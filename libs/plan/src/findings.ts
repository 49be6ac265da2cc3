// Findings in the order a reviewer reads them: errors first, then by rule, object and message.
import { compareStrings } from './selectors';
import type { LintFinding, Severity } from './types';

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function sortFindings(findings: readonly LintFinding[]): LintFinding[] {
  return [...findings].sort(
    (a, b) =>
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      compareStrings(a.rule, b.rule) ||
      compareStrings(a.object, b.object) ||
      compareStrings(a.message, b.message),
  );
}

/** The first of the findings that say the same thing (rule, object and message) about the same object. */
export function dedupeFindings(findings: readonly LintFinding[]): LintFinding[] {
  const seen = new Set<string>();
  return findings.filter((finding) => {
    const key = `${finding.rule}|${finding.object}|${finding.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
