export { generatePlan } from './generate-plan';
export { policyNameFor, describeSelector, MANAGED_BY_LABEL, MANAGED_BY, PURPOSE_LABEL } from './naming';
