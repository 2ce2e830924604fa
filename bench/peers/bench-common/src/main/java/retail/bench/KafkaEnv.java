package retail.bench;

import java.util.Properties;

/**
 * Kafka client settings from the same environment our services read (KAFKA_BROKERS, KAFKA_SASL_*),
 * handed over by bench/peers/src (which reads the stack's secrets file): nothing is stored here.
 */
public final class KafkaEnv {
  private KafkaEnv() {}

  public static String need(String name) {
    String v = System.getenv(name);
    if (v == null || v.isEmpty()) throw new IllegalStateException(name + " is not set");
    return v;
  }

  public static String or(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isEmpty() ? fallback : v;
  }

  public static Properties clientProperties() {
    Properties p = new Properties();
    p.put("bootstrap.servers", need("KAFKA_BROKERS"));
    String user = System.getenv("KAFKA_SASL_USERNAME");
    if (user != null && !user.isEmpty()) {
      String mechanism = or("KAFKA_SASL_MECHANISM", "scram-sha-512").toUpperCase();
      p.put("security.protocol", System.getenv("KAFKA_SSL_CA_FILE") != null ? "SASL_SSL" : "SASL_PLAINTEXT");
      p.put("sasl.mechanism", mechanism);
      p.put(
          "sasl.jaas.config",
          "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
              + user
              + "\" password=\""
              + need("KAFKA_SASL_PASSWORD")
              + "\";");
    }
    String ca = System.getenv("KAFKA_SSL_CA_FILE");
    if (ca != null && !ca.isEmpty()) {
      p.put("ssl.truststore.type", "PEM");
      p.put("ssl.truststore.location", ca);
    }
    return p;
  }
}
