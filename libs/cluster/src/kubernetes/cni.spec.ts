import { daemonSetOfPod, detectCni } from './cni';

const ks = (...names: string[]) => names.map((name) => ({ namespace: 'kube-system', name }));

describe('detectCni', () => {
  it.each([
    [ks('calico-node', 'kube-proxy'), 'calico'],
    [[{ namespace: 'calico-system', name: 'calico-node' }], 'calico'],
    [ks('cilium', 'cilium-envoy', 'kube-proxy'), 'cilium'],
    [ks('kube-flannel-ds'), 'flannel'],
    [[{ namespace: 'kube-flannel', name: 'kube-flannel-ds' }], 'flannel'],
    [ks('canal'), 'canal'],
    [ks('rke2-canal'), 'canal'],
    [ks('calico-node', 'kube-flannel-ds'), 'canal'],
    [ks('weave-net'), 'weave'],
    [ks('antrea-agent'), 'antrea'],
    [ks('kube-router'), 'kube-router'],
    [ks('kube-proxy', 'ebs-csi-node'), 'unknown'],
    [[{ namespace: 'shop', name: 'cilium' }], 'unknown'],
  ])('%j -> %s', (candidates, cni) => {
    expect(detectCni(candidates)).toBe(cni);
  });

  it('reads a pod by its owning DaemonSet, else by its name less the random suffix', () => {
    expect(daemonSetOfPod({ namespace: 'kube-system', name: 'x-abcde', ownerReferences: [{ kind: 'DaemonSet', name: 'cilium' }] })).toEqual(
      { namespace: 'kube-system', name: 'cilium' },
    );
    expect(daemonSetOfPod({ namespace: 'kube-system', name: 'calico-node-7xk2p' })).toEqual({
      namespace: 'kube-system',
      name: 'calico-node',
    });
  });
});
