// The SSRF guard's decision about cloud metadata addresses. Only the decision function is tested:
// no request is ever sent to such an address.
import { describe, expect, it } from 'vitest';
import { BlockedAddressError, blockedReason, checkAddress, PRIVATE_NETWORKS } from '../../src/connectors/http/index.js';

const METADATA = [
  '169.254.169.254',
  '169.254.170.2',
  '169.254.170.23',
  'fd00:ec2::254',
  'fd00:ec2::23',
  'FD00:EC2:0:0:0:0:0:23',
  '168.63.129.16',
  '100.100.100.200',
  // IPv4-mapped IPv6 forms, dotted and in hex.
  '::ffff:169.254.170.2',
  '::ffff:a9fe:aa02',
  '::ffff:169.254.170.23',
  '::ffff:168.63.129.16',
  '::ffff:a83f:8110',
  '::ffff:100.100.100.200',
];

describe('SSRF guard: cloud metadata addresses', () => {
  it.each(METADATA)('%s is a cloud metadata address', (address) => {
    expect(blockedReason(address)).toBe('cloud metadata address');
  });

  it.each(METADATA)('%s is refused even with allow_private_networks: true, and by default', (address) => {
    for (const allow of [PRIVATE_NETWORKS, new Set<never>()]) {
      let thrown: unknown;
      try {
        checkAddress('feeds.example', address, { allow });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(BlockedAddressError);
      expect((thrown as Error).message).toMatch(/cloud metadata address \(always refused\)/);
    }
  });

  it('neighbouring addresses keep their ordinary class', () => {
    expect(blockedReason('169.254.170.3')).toBe('link-local address');
    expect(blockedReason('168.63.129.17')).toBeUndefined();
    expect(() => checkAddress('feeds.example', '169.254.170.3', { allow: PRIVATE_NETWORKS })).not.toThrow();
  });
});
