// Stage 5, selector quality: a workload some allow names (as the policy's subject or as a peer) but
// that no set of its stable labels tells apart from others (naming them and the label to add), or that has
// no stable label at all.
import { compareStrings, type WorkloadSelection } from '../selectors';
import type { LintFinding } from '../types';
import { describeSelector } from './naming';
import type { PolicyBook } from './policy-book';

/** The label a person adds so that each workload names itself: unique per workload of a namespace, as its name is. */
const DISTINGUISHING_LABEL = 'app.kubernetes.io/instance';

export function selectorFindings(book: PolicyBook, selections: ReadonlyMap<string, WorkloadSelection>): LintFinding[] {
  const named = new Set(book.peerWorkloads);
  for (const draft of book.drafts.values()) if (draft.subject) named.add(draft.subject);
  const findings: LintFinding[] = [];
  for (const workload of [...named].sort(compareStrings)) {
    const selection = selections.get(workload);
    if (!selection) continue;
    const name = workload.split('/')[1];
    if (selection.unlabelled) {
      findings.push({
        rule: 'workload-without-stable-labels',
        severity: 'warning',
        object: `Workload ${workload}`,
        message: `${workload} has no stable label to select it by${selection.exact ? '' : `: its allows also apply to ${selection.alsoSelects.length ? selection.alsoSelects.join(', ') : 'every pod of the namespace'}`}`,
        fix: `Give its pod template a stable label such as app.kubernetes.io/name: ${name}.`,
      });
    } else if (!selection.exact) {
      findings.push({
        rule: 'ambiguous-selector',
        severity: 'warning',
        object: `Workload ${workload}`,
        message: `no set of stable labels tells ${workload} apart from ${selection.alsoSelects.join(', ')}: the allows of ${workload} (selector ${describeSelector(selection.selector)}) also apply to them`,
        fix: `Set the label ${DISTINGUISHING_LABEL}: ${name} on the pod template of ${workload} (and on each of ${selection.alsoSelects.join(', ')}, its own name), then re-plan.`,
      });
    }
  }
  return findings;
}
