export { KubernetesDriver, type KubernetesDriverOptions } from './kubernetes-driver';
export { KubernetesApiError } from './kube-rest';
export { detectCni, type CniCandidate } from './cni';
export { PROBE_LABEL, probePodName } from './probe-pod';
export { systemResolver } from './address-guard';
