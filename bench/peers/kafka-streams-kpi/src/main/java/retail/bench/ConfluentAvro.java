package retail.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Decodes the Confluent wire format (magic byte 0, 4-byte big-endian schema id, Avro binary) with
 * plain org.apache.avro: Confluent's serde is not on Maven Central. Writer schemas are fetched once
 * per id from our registry (GET /schemas/ids/{id}), the same call our AvroSerde makes.
 */
final class ConfluentAvro {
  private final String registryUrl;
  private final String authorization;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private final ConcurrentHashMap<Integer, GenericDatumReader<GenericRecord>> readers = new ConcurrentHashMap<>();
  private BinaryDecoder decoder;

  ConfluentAvro(String registryUrl, String user, String password) {
    this.registryUrl = registryUrl.replaceAll("/+$", "");
    this.authorization =
        user == null || user.isEmpty()
            ? null
            : "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  GenericRecord decode(byte[] bytes) {
    if (bytes.length < 5 || bytes[0] != 0) throw new IllegalArgumentException("not Confluent wire format");
    int id = ((bytes[1] & 0xff) << 24) | ((bytes[2] & 0xff) << 16) | ((bytes[3] & 0xff) << 8) | (bytes[4] & 0xff);
    GenericDatumReader<GenericRecord> reader = readers.computeIfAbsent(id, this::fetch);
    decoder = DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, decoder);
    try {
      return reader.read(null, decoder);
    } catch (IOException e) {
      throw new IllegalArgumentException("undecodable Avro for schema id " + id, e);
    }
  }

  private GenericDatumReader<GenericRecord> fetch(int id) {
    try {
      HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(registryUrl + "/schemas/ids/" + id));
      if (authorization != null) req.header("Authorization", authorization);
      HttpResponse<String> res = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
      if (res.statusCode() != 200) throw new IllegalStateException("registry " + res.statusCode() + " for id " + id);
      String text = json.readTree(res.body()).get("schema").asText();
      return new GenericDatumReader<>(new Schema.Parser().parse(text));
    } catch (IOException e) {
      throw new IllegalStateException("registry unreachable", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
