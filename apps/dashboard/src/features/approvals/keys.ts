/** The query keys of the approvals feature: the signed-in person's inbox (the page and the nav badge share it). */
export const approvalKeys = {
  inbox: ['approvals', 'inbox'] as const,
};
