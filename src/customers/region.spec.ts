import { getAlpha2Codes } from 'i18n-iso-countries';
import { COUNTRY_CODES, isCountryCode, REGIONS, regionOf } from './region';

// Kosovo's XK is a user-assigned code, not part of ISO 3166-1.
const NOT_ISO = new Set(['XK']);

describe('regionOf', () => {
  it('maps every officially assigned ISO 3166-1 alpha-2 code, and nothing else', () => {
    const official = Object.keys(getAlpha2Codes()).filter((code) => !NOT_ISO.has(code));
    expect(official).toHaveLength(249);
    for (const code of official) {
      expect(REGIONS).toContain(regionOf(code));
    }
    expect([...COUNTRY_CODES].sort()).toEqual([...official].sort());
  });

  it('puts only the US, Canada and Mexico in NA', () => {
    expect(COUNTRY_CODES.filter((code) => regionOf(code) === 'NA').sort()).toEqual([
      'CA',
      'MX',
      'US',
    ]);
  });

  it('follows the regions of the contract', () => {
    // prettier-ignore
    const expected: Record<string, string> = {
      US: 'NA', CA: 'NA', MX: 'NA',
      BR: 'LATAM', AR: 'LATAM', PY: 'LATAM', SV: 'LATAM', PA: 'LATAM', JM: 'LATAM', PR: 'LATAM', KY: 'LATAM', BM: 'LATAM',
      DE: 'EMEA', GB: 'EMEA', NO: 'EMEA', IS: 'EMEA', RU: 'EMEA', UA: 'EMEA', ET: 'EMEA', ZA: 'EMEA', EG: 'EMEA',
      AE: 'EMEA', SA: 'EMEA', IL: 'EMEA', IR: 'EMEA', TR: 'EMEA', GE: 'EMEA', KZ: 'EMEA', UZ: 'EMEA', KG: 'EMEA',
      JP: 'APAC', CN: 'APAC', HK: 'APAC', SG: 'APAC', MY: 'APAC', IN: 'APAC', PK: 'APAC', AU: 'APAC', NZ: 'APAC',
      GU: 'APAC', AQ: 'APAC',
    };
    for (const [code, region] of Object.entries(expected)) {
      expect([code, regionOf(code)]).toEqual([code, region]);
    }
  });

  it('refuses codes that are not ISO 3166-1 alpha-2 upper-case', () => {
    for (const bad of ['XK', 'us', 'USA', 'ZZ', 'UK', 'EU', '', 'toString', '__proto__']) {
      expect(isCountryCode(bad)).toBe(false);
      expect(() => regionOf(bad)).toThrow();
    }
  });
});
