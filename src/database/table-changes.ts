import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { pgPool } from './pool';

/** The channel the tables' statement triggers notify, with the table's name as payload. */
export const TABLE_CHANGE_CHANNEL = 'table_change';
const RECONNECT_MS = 1000;

/**
 * Tells this process when any transaction, on any instance or from any client, commits a change
 * to a table whose triggers notify (NOTIFY is delivered at commit). One listening connection per
 * instance, opened again after a loss. `live` is false while it is down: nothing may then be
 * cached on the strength of these notices, and every listener hears `null` (forget everything)
 * when the connection is lost and again once it is back, since changes in between went unheard.
 */
@Injectable()
export class TableChanges implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(TableChanges.name);
  private readonly listeners = new Set<(table: string | null) => void>();
  private client: Client | null = null;
  private retry: NodeJS.Timeout | null = null;
  private closed = false;
  live = false;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  subscribe(listener: (table: string | null) => void): void {
    this.listeners.add(listener);
  }

  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.live = false;
    await this.client?.end().catch(() => undefined);
  }

  private emit(table: string | null): void {
    for (const listener of this.listeners) listener(table);
  }

  private async connect(): Promise<void> {
    const client = new Client({
      ...pgPool(this.dataSource).options,
      application_name: 'hashbook-table-changes',
    });
    client.on('notification', (message) => this.emit(message.payload ?? null));
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${TABLE_CHANGE_CHANNEL}`);
      if (this.closed) {
        await client.end();
        return;
      }
      this.client = client;
      this.live = true;
      this.emit(null);
    } catch (error) {
      this.logger.warn(`Listening for table changes failed: ${(error as Error).message}`);
      await client.end().catch(() => undefined);
      this.lost(client);
    }
  }

  private lost(client: Client): void {
    if (this.client && this.client !== client) return;
    this.client = null;
    this.live = false;
    this.emit(null);
    if (this.closed || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect();
    }, RECONNECT_MS);
  }
}
