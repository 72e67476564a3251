// The part of autocannon's API the load generators use; the package ships no type declarations.
declare module 'autocannon' {
  export type Request = { method?: string; path?: string; headers?: Record<string, string>; body?: string };
  export type Context = Record<string, unknown>;
  export type Options = {
    url: string;
    connections: number;
    duration: number;
    pipelining?: number;
    requests: (Request & {
      setupRequest?(request: Request, context: Context): Request;
      onResponse?(status: number, body: string, context: Context): void;
    })[];
  };
  export type Result = {
    duration: number;
    requests: { average: number; total: number; sent: number };
    latency: { p50: number; p99: number; average: number; max: number };
    '2xx': number;
    non2xx: number;
    errors: number;
    timeouts: number;
  };
  export default function autocannon(options: Options): Promise<Result>;
}
