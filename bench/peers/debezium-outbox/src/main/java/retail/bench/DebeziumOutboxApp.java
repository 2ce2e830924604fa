package retail.bench;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Debezium's embedded engine reading a store outbox through Postgres logical decoding (pgoutput),
 * its outbox event router (io.debezium.transforms.outbox.EventRouter) mapped onto our outbox columns,
 * and a plain idempotent KafkaProducer writing what the router emits: the peer of
 * producers/outbox-relay for issue 14. Offsets are committed only after the producer has flushed a
 * batch (at-least-once, Debezium's own guarantee). The bench creates the publication and slot before
 * it fills the outbox, so the engine streams the backlog from the slot (snapshot.mode=no_data).
 */
public final class DebeziumOutboxApp {
  private DebeziumOutboxApp() {}

  public static void main(String[] args) throws Exception {
    String topic = KafkaEnv.need("DBZ_TOPIC");
    Properties c = new Properties();
    c.setProperty("name", "outbox-peer");
    c.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
    c.setProperty("offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore");
    c.setProperty("offset.storage.file.filename", KafkaEnv.need("DBZ_OFFSETS_FILE"));
    c.setProperty("offset.flush.interval.ms", KafkaEnv.or("DBZ_OFFSET_FLUSH_MS", "1000"));
    c.setProperty("database.hostname", KafkaEnv.or("DBZ_PG_HOST", "127.0.0.1"));
    c.setProperty("database.port", KafkaEnv.need("DBZ_PG_PORT"));
    c.setProperty("database.user", KafkaEnv.need("DBZ_PG_USER"));
    c.setProperty("database.password", KafkaEnv.or("DBZ_PG_PASSWORD", ""));
    c.setProperty("database.dbname", KafkaEnv.need("DBZ_PG_DATABASE"));
    c.setProperty("topic.prefix", "peer");
    c.setProperty("plugin.name", "pgoutput");
    c.setProperty("slot.name", KafkaEnv.need("DBZ_SLOT"));
    c.setProperty("publication.name", KafkaEnv.need("DBZ_PUBLICATION"));
    c.setProperty("publication.autocreate.mode", "disabled");
    c.setProperty("table.include.list", "public.outbox");
    c.setProperty("snapshot.mode", "no_data");
    c.setProperty("tombstones.on.delete", "false");
    c.setProperty("max.batch.size", KafkaEnv.or("DBZ_MAX_BATCH_SIZE", "2048"));
    c.setProperty("max.queue.size", KafkaEnv.or("DBZ_MAX_QUEUE_SIZE", "8192"));
    c.setProperty("poll.interval.ms", KafkaEnv.or("DBZ_POLL_INTERVAL_MS", "500"));
    // The outbox event router on our outbox (producers/store-edge migrations): one Kafka record per row.
    c.setProperty("transforms", "outbox");
    c.setProperty("transforms.outbox.type", "io.debezium.transforms.outbox.EventRouter");
    c.setProperty("transforms.outbox.table.field.event.id", "event_id");
    c.setProperty("transforms.outbox.table.field.event.key", "store_id");
    c.setProperty("transforms.outbox.table.field.event.payload", "payload");
    c.setProperty("transforms.outbox.table.fields.additional.placement", "event_type:header,store_seq:header,trace_id:header");
    c.setProperty("transforms.outbox.route.by.field", "event_type");
    c.setProperty("transforms.outbox.route.topic.replacement", topic);
    c.setProperty("transforms.outbox.table.expand.json.payload", "false");

    Properties pp = KafkaEnv.clientProperties();
    pp.put("enable.idempotence", "true");
    pp.put("acks", "all");
    pp.put("linger.ms", KafkaEnv.or("DBZ_LINGER_MS", "5"));
    pp.put("batch.size", 262144);
    pp.put("compression.type", "none");
    KafkaProducer<String, byte[]> producer = new KafkaProducer<>(pp, new StringSerializer(), new ByteArraySerializer());

    DebeziumEngine<RecordChangeEvent<SourceRecord>> engine =
        DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
            .using(c)
            .notifying(
                (List<RecordChangeEvent<SourceRecord>> batch,
                    DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) -> {
                  List<Future<?>> sent = new ArrayList<>(batch.size());
                  for (RecordChangeEvent<SourceRecord> ev : batch) {
                    SourceRecord r = ev.record();
                    if (r == null || r.value() == null) continue;
                    ProducerRecord<String, byte[]> out =
                        new ProducerRecord<>(
                            topic,
                            null,
                            r.key() == null ? null : r.key().toString(),
                            r.value().toString().getBytes(StandardCharsets.UTF_8));
                    for (org.apache.kafka.connect.header.Header h : r.headers()) {
                      Object v = h.value();
                      if (v != null) out.headers().add(h.key(), v.toString().getBytes(StandardCharsets.UTF_8));
                    }
                    sent.add(producer.send(out));
                  }
                  producer.flush();
                  for (Future<?> f : sent) {
                    try {
                      f.get();
                    } catch (java.util.concurrent.ExecutionException e) {
                      throw new InterruptedException("produce failed: " + e.getCause());
                    }
                  }
                  for (RecordChangeEvent<SourceRecord> ev : batch) committer.markProcessed(ev);
                  committer.markBatchFinished();
                })
            .using(
                (success, message, error) -> {
                  System.out.println("debezium-outbox: engine stopped (" + success + "): " + message);
                  if (error != null) error.printStackTrace();
                })
            .build();

    CountDownLatch stopped = new CountDownLatch(1);
    ExecutorService executor = Executors.newSingleThreadExecutor();
    executor.execute(
        () -> {
          engine.run();
          stopped.countDown();
        });
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    engine.close();
                    stopped.await();
                  } catch (Exception e) {
                    e.printStackTrace();
                  }
                  producer.close();
                }));
    System.out.println("debezium-outbox: engine started, topic " + topic);
    stopped.await();
    executor.shutdown();
    producer.close();
  }
}
