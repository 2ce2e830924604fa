package retail.bench;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The KPI windows job in Kafka Streams, for issue 14's peer comparison: the enriched topic (Confluent
 * Avro, keyed by store id) → per-store tumbling windows of 1 and 15 minutes on event time
 * (occurred_at), grace = our KPI_ALLOWED_LATENESS_MS, exactly_once_v2 → one JSON update per changed
 * window on the output topic. Only the two window sizes the issue names: our service also keeps H1
 * and local-day windows and the chain roll-up, so this peer does less work per event than ours.
 */
public final class KpiStreamsApp {
  private KpiStreamsApp() {}

  /** Decodes, keeps KPI events only and moves the record onto event time, without repartitioning. */
  static final class ToMeasures implements FixedKeyProcessor<String, byte[], Measures> {
    private FixedKeyProcessorContext<String, Measures> context;
    private ConfluentAvro avro;

    @Override
    public void init(FixedKeyProcessorContext<String, Measures> context) {
      this.context = context;
      this.avro =
          new ConfluentAvro(
              KafkaEnv.need("SCHEMA_REGISTRY_URL"),
              System.getenv("SCHEMA_REGISTRY_USERNAME"),
              System.getenv("SCHEMA_REGISTRY_PASSWORD"));
    }

    @Override
    public void process(FixedKeyRecord<String, byte[]> record) {
      if (record.value() == null) return;
      GenericRecord ev = avro.decode(record.value());
      Measures delta = Measures.ofEvent(ev);
      if (delta == null) return;
      context.forward(record.withValue(delta).withTimestamp((Long) ev.get("occurred_at")));
    }
  }

  public static void main(String[] args) throws InterruptedException {
    String input = KafkaEnv.need("KPI_INPUT_TOPIC");
    String output = KafkaEnv.need("KPI_OUTPUT_TOPIC");
    Duration grace = Duration.ofMillis(Long.parseLong(KafkaEnv.or("KPI_ALLOWED_LATENESS_MS", "600000")));

    StreamsBuilder builder = new StreamsBuilder();
    KStream<String, Measures> deltas =
        builder.stream(input, Consumed.with(Serdes.String(), Serdes.ByteArray())).processValues(ToMeasures::new);
    KGroupedStream<String, Measures> byStore = deltas.groupByKey(Grouped.with(Serdes.String(), Measures.serde()));
    windowed(byStore, "M1", Duration.ofMinutes(1), grace, output);
    windowed(byStore, "M15", Duration.ofMinutes(15), grace, output);

    Properties p = KafkaEnv.clientProperties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, KafkaEnv.need("KPI_APPLICATION_ID"));
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.STATE_DIR_CONFIG, KafkaEnv.need("KPI_STATE_DIR"));
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.parseInt(KafkaEnv.or("KPI_STREAM_THREADS", "1")));
    // Kafka Streams' EOS default is 100 ms; the bench passes our KPI_EMIT_INTERVAL_MS-like value when asked.
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.parseLong(KafkaEnv.or("KPI_COMMIT_INTERVAL_MS", "100")));
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");

    KafkaStreams streams = new KafkaStreams(builder.build(), p);
    CountDownLatch stopped = new CountDownLatch(1);
    streams.setStateListener(
        (now, before) -> {
          System.out.println("kafka-streams-kpi: " + before + " -> " + now);
          if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) stopped.countDown();
        });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> streams.close(Duration.ofSeconds(20))));
    streams.start();
    stopped.await();
  }

  private static void windowed(
      KGroupedStream<String, Measures> byStore, String size, Duration length, Duration grace, String output) {
    byStore
        .windowedBy(TimeWindows.ofSizeAndGrace(length, grace))
        .aggregate(
            Measures::new,
            (store, delta, agg) -> agg.add(delta),
            Materialized.<String, Measures, WindowStore<Bytes, byte[]>>as("kpi-" + size.toLowerCase())
                .withKeySerde(Serdes.String())
                .withValueSerde(Measures.serde())
                .withRetention(length.plus(grace)))
        .toStream()
        .map(
            (w, m) ->
                KeyValue.pair(
                    w.key(), m.toJson(w.key(), size, w.window().start(), w.window().end())))
        .to(output, Produced.with(Serdes.String(), Serdes.String()));
  }
}
