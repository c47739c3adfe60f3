export type Region = 'NA' | 'LATAM' | 'EMEA' | 'APAC';
export const REGIONS: readonly Region[] = ['NA', 'LATAM', 'EMEA', 'APAC'];

/**
 * Every ISO 3166-1 alpha-2 code (the 249 officially assigned) by sales region. The grouping
 * follows the UN M49 geoscheme: NA is US, CA and MX; LATAM the rest of the Americas, the
 * Caribbean, Bermuda, Greenland and the South Atlantic islands included; EMEA is Europe (Russia
 * included), Africa, Western Asia (the Middle East and the Caucasus), Iran and Central Asia;
 * APAC is the rest of Asia, Oceania and Antarctica.
 */
// prettier-ignore
const REGION_BY_COUNTRY: Readonly<Record<string, Region>> = {
  // Northern America
  US: 'NA', CA: 'NA', MX: 'NA',
  BM: 'LATAM', GL: 'LATAM', PM: 'LATAM',
  // Central America
  BZ: 'LATAM', CR: 'LATAM', SV: 'LATAM', GT: 'LATAM', HN: 'LATAM', NI: 'LATAM', PA: 'LATAM',
  // Caribbean
  AI: 'LATAM', AG: 'LATAM', AW: 'LATAM', BS: 'LATAM', BB: 'LATAM', BQ: 'LATAM', VG: 'LATAM',
  KY: 'LATAM', CU: 'LATAM', CW: 'LATAM', DM: 'LATAM', DO: 'LATAM', GD: 'LATAM', GP: 'LATAM',
  HT: 'LATAM', JM: 'LATAM', MQ: 'LATAM', MS: 'LATAM', PR: 'LATAM', BL: 'LATAM', KN: 'LATAM',
  LC: 'LATAM', MF: 'LATAM', VC: 'LATAM', SX: 'LATAM', TT: 'LATAM', TC: 'LATAM', VI: 'LATAM',
  // South America and the South Atlantic
  AR: 'LATAM', BO: 'LATAM', BV: 'LATAM', BR: 'LATAM', CL: 'LATAM', CO: 'LATAM', EC: 'LATAM',
  FK: 'LATAM', GF: 'LATAM', GY: 'LATAM', PY: 'LATAM', PE: 'LATAM', GS: 'LATAM', SR: 'LATAM',
  UY: 'LATAM', VE: 'LATAM',
  // Europe
  AX: 'EMEA', AL: 'EMEA', AD: 'EMEA', AT: 'EMEA', BY: 'EMEA', BE: 'EMEA', BA: 'EMEA', BG: 'EMEA',
  HR: 'EMEA', CZ: 'EMEA', DK: 'EMEA', EE: 'EMEA', FO: 'EMEA', FI: 'EMEA', FR: 'EMEA', DE: 'EMEA',
  GI: 'EMEA', GR: 'EMEA', GG: 'EMEA', VA: 'EMEA', HU: 'EMEA', IS: 'EMEA', IE: 'EMEA', IM: 'EMEA',
  IT: 'EMEA', JE: 'EMEA', LV: 'EMEA', LI: 'EMEA', LT: 'EMEA', LU: 'EMEA', MT: 'EMEA', MD: 'EMEA',
  MC: 'EMEA', ME: 'EMEA', NL: 'EMEA', MK: 'EMEA', NO: 'EMEA', PL: 'EMEA', PT: 'EMEA', RO: 'EMEA',
  RU: 'EMEA', SM: 'EMEA', RS: 'EMEA', SK: 'EMEA', SI: 'EMEA', ES: 'EMEA', SJ: 'EMEA', SE: 'EMEA',
  CH: 'EMEA', UA: 'EMEA', GB: 'EMEA',
  // Africa, with its Indian Ocean and South Atlantic territories
  DZ: 'EMEA', EG: 'EMEA', LY: 'EMEA', MA: 'EMEA', SD: 'EMEA', TN: 'EMEA', EH: 'EMEA', IO: 'EMEA',
  BI: 'EMEA', KM: 'EMEA', DJ: 'EMEA', ER: 'EMEA', ET: 'EMEA', TF: 'EMEA', KE: 'EMEA', MG: 'EMEA',
  MW: 'EMEA', MU: 'EMEA', YT: 'EMEA', MZ: 'EMEA', RE: 'EMEA', RW: 'EMEA', SC: 'EMEA', SO: 'EMEA',
  SS: 'EMEA', UG: 'EMEA', TZ: 'EMEA', ZM: 'EMEA', ZW: 'EMEA', AO: 'EMEA', CM: 'EMEA', CF: 'EMEA',
  TD: 'EMEA', CG: 'EMEA', CD: 'EMEA', GQ: 'EMEA', GA: 'EMEA', ST: 'EMEA', BW: 'EMEA', SZ: 'EMEA',
  LS: 'EMEA', NA: 'EMEA', ZA: 'EMEA', BJ: 'EMEA', BF: 'EMEA', CV: 'EMEA', CI: 'EMEA', GM: 'EMEA',
  GH: 'EMEA', GN: 'EMEA', GW: 'EMEA', LR: 'EMEA', ML: 'EMEA', MR: 'EMEA', NE: 'EMEA', NG: 'EMEA',
  SH: 'EMEA', SN: 'EMEA', SL: 'EMEA', TG: 'EMEA',
  // Western Asia (the Middle East and the Caucasus), Iran, Central Asia
  AM: 'EMEA', AZ: 'EMEA', BH: 'EMEA', CY: 'EMEA', GE: 'EMEA', IQ: 'EMEA', IL: 'EMEA', JO: 'EMEA',
  KW: 'EMEA', LB: 'EMEA', OM: 'EMEA', QA: 'EMEA', SA: 'EMEA', PS: 'EMEA', SY: 'EMEA', TR: 'EMEA',
  AE: 'EMEA', YE: 'EMEA', IR: 'EMEA',
  KZ: 'EMEA', KG: 'EMEA', TJ: 'EMEA', TM: 'EMEA', UZ: 'EMEA',
  // Eastern, South-eastern and Southern Asia
  CN: 'APAC', HK: 'APAC', MO: 'APAC', KP: 'APAC', JP: 'APAC', MN: 'APAC', KR: 'APAC', TW: 'APAC',
  BN: 'APAC', KH: 'APAC', ID: 'APAC', LA: 'APAC', MY: 'APAC', MM: 'APAC', PH: 'APAC', SG: 'APAC',
  TH: 'APAC', TL: 'APAC', VN: 'APAC',
  AF: 'APAC', BD: 'APAC', BT: 'APAC', IN: 'APAC', MV: 'APAC', NP: 'APAC', PK: 'APAC', LK: 'APAC',
  // Oceania and Antarctica
  AU: 'APAC', CX: 'APAC', CC: 'APAC', HM: 'APAC', NZ: 'APAC', NF: 'APAC', FJ: 'APAC', NC: 'APAC',
  PG: 'APAC', SB: 'APAC', VU: 'APAC', GU: 'APAC', KI: 'APAC', MH: 'APAC', FM: 'APAC', NR: 'APAC',
  MP: 'APAC', PW: 'APAC', UM: 'APAC', AS: 'APAC', CK: 'APAC', PF: 'APAC', NU: 'APAC', PN: 'APAC',
  WS: 'APAC', TK: 'APAC', TO: 'APAC', TV: 'APAC', WF: 'APAC', AQ: 'APAC',
};

/** The officially assigned ISO 3166-1 alpha-2 codes, upper-case. */
export const COUNTRY_CODES: readonly string[] = Object.keys(REGION_BY_COUNTRY);

export function isCountryCode(code: unknown): code is string {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(REGION_BY_COUNTRY, code);
}

/** The sales region of an ISO 3166-1 alpha-2 code (upper-case). Throws on anything else. */
export function regionOf(country: string): Region {
  if (!isCountryCode(country))
    throw new Error(`Not an ISO 3166-1 alpha-2 country code: ${country}`);
  return REGION_BY_COUNTRY[country];
}
