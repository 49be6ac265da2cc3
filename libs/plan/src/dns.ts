// Where the plan expects the cluster DNS to run unless told otherwise: CoreDNS as kubeadm and most
// distributions deploy it, in kube-system behind the `k8s-app: kube-dns` label it kept from kube-dns.
export const DEFAULT_DNS_NAMESPACE = 'kube-system';
export const DEFAULT_DNS_LABELS: Readonly<Record<string, string>> = { 'k8s-app': 'kube-dns' };

/** True when the labels carry every one of the DNS labels. */
export function carriesDnsLabels(labels: Record<string, string>, dnsLabels: Readonly<Record<string, string>>): boolean {
  return Object.entries(dnsLabels).every(([key, value]) => labels[key] === value);
}
