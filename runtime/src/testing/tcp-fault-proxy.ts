import net from 'node:net';

/**
 * A TCP proxy in front of a real server (Postgres, ClickHouse, Cassandra) for outage tests: clients
 * connect to `port`; `cut()` destroys every open connection and refuses new ones until `restore()`,
 * which to a client is indistinguishable from the server being down. The server keeps running for
 * everyone else, so tests can run while other tests use it.
 */
export class TcpFaultProxy {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private isDown = false;
  port = 0;

  constructor(
    private readonly target: { host: string; port: number },
    private readonly listenHost = '127.0.0.1',
  ) {
    this.server = net.createServer((client) => this.accept(client));
  }

  static async start(target: { host: string; port: number }): Promise<TcpFaultProxy> {
    const proxy = new TcpFaultProxy(target);
    await new Promise<void>((resolve) => proxy.server.listen(0, proxy.listenHost, resolve));
    proxy.port = (proxy.server.address() as net.AddressInfo).port;
    return proxy;
  }

  /** A proxy in front of the server a URL points at (`postgres://…`, `http://…`). */
  static inFrontOf(url: string): Promise<TcpFaultProxy> {
    const target = new URL(url);
    return TcpFaultProxy.start({ host: target.hostname, port: Number(target.port) });
  }

  /** `url` with its host and port replaced by this proxy's: what the service under test is given. */
  via(url: string): string {
    const proxied = new URL(url);
    proxied.hostname = this.listenHost;
    proxied.port = String(this.port);
    return proxied.toString();
  }

  get down(): boolean {
    return this.isDown;
  }

  /** `host:port` clients should use. */
  get address(): string {
    return `${this.listenHost}:${this.port}`;
  }

  /** Cuts every connection (RST) and refuses new ones. */
  cut(): void {
    this.isDown = true;
    for (const s of this.sockets) s.resetAndDestroy();
    this.sockets.clear();
  }

  restore(): void {
    this.isDown = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    if (this.isDown) {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(this.target);
    this.sockets.add(client);
    this.sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
