import { cidrContains, cidrStrictlyInside, parseCidr, parseIp } from './ip';

describe('parseIp', () => {
  const valid: [string, 4 | 6, bigint][] = [
    ['10.0.0.1', 4, 0x0a000001n],
    ['255.255.255.255', 4, 0xffffffffn],
    ['010.001.0.1', 4, 0x0a010001n],
    ['::1', 6, 1n],
    ['2001:db8::1', 6, 0x20010db8000000000000000000000001n],
    ['::ffff:10.0.0.1', 4, 0x0a000001n],
    ['fe80::a:b:c:d', 6, 0xfe80000000000000000a000b000c000dn],
  ];
  test.each(valid)('%s', (text, family, value) => {
    expect(parseIp(text)).toMatchObject({ family, value });
  });
  test.each(['', '10.0.0', '10.0.0.256', '10.0.0.1.2', '1..2.3', 'a.b.c.d', '1:2:3:4:5:6:7:8:9', '1::2::3', ':::', '10.0.0.1/32'])(
    'rejects %j',
    (text) => {
      expect(parseIp(text)).toBeUndefined();
    },
  );
});

describe('CIDRs', () => {
  const contains: [string, string, boolean][] = [
    ['10.0.0.0/8', '10.255.1.2', true],
    ['10.0.0.0/8', '11.0.0.0', false],
    ['0.0.0.0/0', '8.8.8.8', true],
    ['0.0.0.0/0', '::1', false],
    ['10.1.2.3/32', '10.1.2.3', true],
    ['10.1.2.3/32', '10.1.2.4', false],
    ['10.1.2.3/24', '10.1.2.200', true],
    ['2001:db8::/32', '2001:db8:ffff::1', true],
    ['2001:db8::/32', '2001:db9::1', false],
    ['::/0', '10.0.0.1', false],
  ];
  test.each(contains)('%s contains %s: %s', (cidr, ip, expected) => {
    expect(cidrContains(parseCidr(cidr)!, parseIp(ip)!)).toBe(expected);
  });
  test.each(['10.0.0.0', '10.0.0.0/33', '10.0.0.0/-1', '10.0.0.0/8/8', '::/129', 'x/8'])('rejects %j', (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });
  test('strict subsets', () => {
    expect(cidrStrictlyInside(parseCidr('10.1.0.0/16')!, parseCidr('10.0.0.0/8')!)).toBe(true);
    expect(cidrStrictlyInside(parseCidr('10.0.0.0/8')!, parseCidr('10.0.0.0/8')!)).toBe(false);
    expect(cidrStrictlyInside(parseCidr('11.0.0.0/16')!, parseCidr('10.0.0.0/8')!)).toBe(false);
  });
});
