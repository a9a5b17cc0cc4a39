export interface PostgresServer {
  readonly url: (database?: string) => string;
  readonly stop: () => void;
}
export function freePort(): Promise<number>;
export function startPostgres(options?: { password?: string }): Promise<PostgresServer>;
