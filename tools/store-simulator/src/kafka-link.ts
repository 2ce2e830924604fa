import net from 'node:net';
import tls from 'node:tls';
import { createKafka, type Logger } from '@retail-stream/runtime';
import type { ISocketFactory, Kafka } from 'kafkajs';
import type { HostConfig } from './host-config.ts';

/**
 * One store's network link to Kafka, which the host can cut and restore: "the store is offline".
 * Cutting destroys the relay's open connections and refuses new ones (they go to a port nothing
 * listens on), which is what a store losing its WAN looks like to kafkajs; the broker itself keeps
 * serving everyone else. The store edge never touches Kafka, so checkout goes on and the outbox
 * backs up; the relay reports OFFLINE and drains in order once the link is back.
 */
export class KafkaLink {
  private up = true;
  private readonly sockets = new Set<net.Socket>();

  private constructor(private readonly deadPort: number) {}

  static async create(): Promise<KafkaLink> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return new KafkaLink(port);
  }

  get online(): boolean {
    return this.up;
  }

  cut(): void {
    this.up = false;
    for (const s of this.sockets) s.destroy(new Error('store offline (simulated link cut)'));
  }

  restore(): void {
    this.up = true;
  }

  socketFactory: ISocketFactory = ({ host, port, ssl, onConnect }) => {
    // With KAFKA_SSL the relay's connections are TLS, as kafkajs' own factory would make them.
    const socket = !this.up
      ? net.connect({ host: '127.0.0.1', port: this.deadPort })
      : ssl
        ? tls.connect({ host, port, ...(net.isIP(host) ? {} : { servername: host }), ...ssl }, onConnect)
        : net.connect({ host, port }, onConnect);
    socket.setKeepAlive(true, 30_000);
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    return socket;
  };

  /** A Kafka client whose connections go through this link, logging through pino like createKafka. */
  kafka(cfg: HostConfig, clientId: string, logger: Logger): Kafka {
    // While the link is cut kafkajs complains on every retry; that is the point, keep it quiet.
    return createKafka(cfg, clientId, logger, { socketFactory: this.socketFactory, quiet: () => !this.up });
  }
}
