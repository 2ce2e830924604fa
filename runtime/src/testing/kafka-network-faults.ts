import net from 'node:net';
import { Kafka, logLevel, type ISocketFactory, type RetryOptions } from 'kafkajs';
import { newKafkaClient } from '../kafka-security-config.ts';

export interface KafkaNetworkFaultsOptions {
  brokers: string[];
  clientId: string;
  /** Default request timeout of kafka(); a call may override it. */
  requestTimeoutMs: number;
  retry: RetryOptions;
  /** TCP keep-alive initial delay on every socket; unset leaves keep-alive off. */
  keepAliveMs?: number;
}

/**
 * Network faults between a service's Kafka client and the real broker, through kafkajs' socket
 * factory (no proxy process): while `down`, new connections are refused and existing ones are cut.
 * The broker itself keeps running for everyone else.
 */
export class KafkaNetworkFaults {
  down = false;
  private readonly sockets = new Set<net.Socket>();
  private deadPort = 0;

  constructor(private readonly opts: KafkaNetworkFaultsOptions) {}

  async init(): Promise<this> {
    // A port that was just free: nothing listens there, so connects are refused at once.
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.deadPort = (server.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return this;
  }

  socketFactory: ISocketFactory = ({ host, port, onConnect }) => {
    const socket = this.down
      ? net.connect({ host: '127.0.0.1', port: this.deadPort })
      : net.connect({ host, port }, onConnect);
    if (this.opts.keepAliveMs !== undefined) socket.setKeepAlive(true, this.opts.keepAliveMs);
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    return socket;
  };

  cut(): void {
    this.down = true;
    for (const s of this.sockets) s.destroy(new Error('simulated network outage'));
  }

  /**
   * Requests still reach the broker (and are written) but no response comes back: the case where
   * only retrying with the same producer sequence numbers avoids duplicates. New connections fail.
   */
  swallowResponses(): void {
    this.down = true;
    for (const s of this.sockets) s.pause();
  }

  restore(): void {
    this.down = false;
    // Connections left paused by swallowResponses() are dead to the client; cut them so it reconnects.
    for (const s of this.sockets) if (s.isPaused()) s.destroy(new Error('simulated network outage ended'));
  }

  /** A Kafka client whose connections go through this fault injector. */
  kafka(opts: { requestTimeoutMs?: number } = {}): Kafka {
    return newKafkaClient({
      clientId: this.opts.clientId,
      brokers: this.opts.brokers,
      socketFactory: this.socketFactory,
      logLevel: logLevel.NOTHING,
      connectionTimeout: 1_000,
      requestTimeout: opts.requestTimeoutMs ?? this.opts.requestTimeoutMs,
      retry: this.opts.retry,
    });
  }
}
