import { ConfigError, loadConfig } from './config';

const primary = 'postgres://app@db-primary:5432/hashbook';
const replica = 'postgres://app@db-replica:5432/hashbook';

describe('DATABASE_READ_URL', () => {
  it('is optional', () => {
    expect(loadConfig({ DATABASE_URL: primary }).databaseReadUrl).toBeUndefined();
  });

  it('is taken beside DATABASE_URL', () => {
    const config = loadConfig({ DATABASE_URL: primary, DATABASE_READ_URL: replica });
    expect(config).toMatchObject({ databaseUrl: primary, databaseReadUrl: replica });
  });

  it('must be a URL', () => {
    expect(() => loadConfig({ DATABASE_URL: primary, DATABASE_READ_URL: 'the replica' })).toThrow(
      /DATABASE_READ_URL/,
    );
  });

  it('needs DATABASE_URL', () => {
    expect(() => loadConfig({ DATABASE_READ_URL: replica })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_READ_URL: replica })).toThrow(
      /DATABASE_READ_URL: needs DATABASE_URL/,
    );
  });
});
