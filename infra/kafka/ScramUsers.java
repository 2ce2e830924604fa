import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;

/**
 * Creates or updates SCRAM-SHA-512 users through the Java AdminClient (kafkajs cannot), run by
 * infra/src/kafka-scram-users.ts with `java -cp <kafka libs> ScramUsers.java`. Everything comes on
 * stdin so no password appears in a process list: bootstrap servers, security protocol, admin
 * password, CA file (or "-"), then one "name password" line per user. Prints only user names.
 */
public class ScramUsers {
  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String bootstrap = in.readLine();
    String protocol = in.readLine();
    String adminPassword = in.readLine();
    String caFile = in.readLine();
    List<UserScramCredentialAlteration> changes = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (String line; (line = in.readLine()) != null && !line.isBlank(); ) {
      String[] parts = line.split(" ", 2);
      names.add(parts[0]);
      changes.add(new UserScramCredentialUpsertion(
          parts[0], new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), parts[1]));
    }
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrap);
    props.put("security.protocol", protocol);
    props.put("sasl.mechanism", "SCRAM-SHA-512");
    props.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"admin\" password=\"" + adminPassword + "\";");
    if (!"-".equals(caFile)) {
      props.put("ssl.truststore.type", "PEM");
      props.put("ssl.truststore.location", caFile);
    }
    props.put("request.timeout.ms", "20000");
    props.put("default.api.timeout.ms", "60000");
    try (Admin admin = Admin.create(props)) {
      admin.alterUserScramCredentials(changes).all().get();
    }
    System.out.println("scram users set: " + String.join(", ", names));
  }
}
