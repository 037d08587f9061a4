// Helper run against the cached Kafka jars. Secrets arrive on stdin (never argv, which `ps` shows).
//
//   format <server.properties>            stdin: lines "user<TAB>password"; formats KRaft storage
//                                         with a SCRAM-SHA-512 credential for every user.
//   add-users <bootstrap>                 stdin: first line is the admin "user<TAB>password", the
//                                         rest are users to upsert; one JVM for all of them.
//   remove-users <bootstrap>              stdin: the admin line, then "user<TAB>" per user whose
//                                         SCRAM credential to delete (absent ones are skipped).
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.ResourceNotFoundException;

public final class LocalTool {
  private static final int ITERATIONS = 4096;

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      throw new IllegalArgumentException(
          "usage: LocalTool format <server.properties> | add-users <bootstrap> | remove-users <bootstrap>");
    }
    List<String[]> users = readUsers();
    switch (args[0]) {
      case "format" -> System.exit(format(args[1], users));
      case "add-users" -> addUsers(args[1], users);
      case "remove-users" -> removeUsers(args[1], users);
      default -> throw new IllegalArgumentException("unknown command " + args[0]);
    }
  }

  private static List<String[]> readUsers() throws Exception {
    List<String[]> users = new ArrayList<>();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) {
      if (line.isBlank()) continue;
      String[] parts = line.split("\t", 2);
      if (parts.length != 2) throw new IllegalArgumentException("malformed user line");
      users.add(parts);
    }
    return users;
  }

  private static int format(String config, List<String[]> users) throws Exception {
    List<String> argv = new ArrayList<>(List.of("format", "--config", config, "--cluster-id", clusterId()));
    for (String[] u : users) {
      argv.add("--add-scram");
      argv.add("SCRAM-SHA-512=[name=" + u[0] + ",iterations=" + ITERATIONS + ",password=" + u[1] + "]");
    }
    // execute() rather than main(): main() calls System.exit before we can report.
    return kafka.tools.StorageTool.execute(argv.toArray(new String[0]), System.out);
  }

  private static String clusterId() {
    return org.apache.kafka.common.Uuid.randomUuid().toString();
  }

  private static Properties adminProps(String bootstrap, List<String[]> users) {
    if (users.isEmpty()) throw new IllegalArgumentException("admin credentials missing on stdin");
    String[] admin = users.get(0);
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put("security.protocol", "SASL_PLAINTEXT");
    props.put("sasl.mechanism", "SCRAM-SHA-512");
    props.put(
        "sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
            + admin[0] + "\" password=\"" + admin[1] + "\";");
    return props;
  }

  private static void addUsers(String bootstrap, List<String[]> users) throws Exception {
    Properties props = adminProps(bootstrap, users);
    List<UserScramCredentialAlteration> upserts = new ArrayList<>();
    ScramCredentialInfo info = new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, ITERATIONS);
    for (String[] u : users.subList(1, users.size())) {
      upserts.add(new UserScramCredentialUpsertion(u[0], info, u[1]));
    }
    if (upserts.isEmpty()) return;
    try (Admin client = Admin.create(props)) {
      client.alterUserScramCredentials(upserts).all().get();
    }
    System.out.println("upserted " + upserts.size() + " SCRAM user(s)");
  }

  private static void removeUsers(String bootstrap, List<String[]> users) throws Exception {
    Properties props = adminProps(bootstrap, users);
    List<UserScramCredentialAlteration> deletions = new ArrayList<>();
    for (String[] u : users.subList(1, users.size())) {
      deletions.add(new UserScramCredentialDeletion(u[0], ScramMechanism.SCRAM_SHA_512));
    }
    if (deletions.isEmpty()) return;
    int removed = 0;
    try (Admin client = Admin.create(props)) {
      Map<String, KafkaFuture<Void>> results = client.alterUserScramCredentials(deletions).values();
      for (KafkaFuture<Void> f : results.values()) {
        try {
          f.get();
          removed++;
        } catch (ExecutionException e) {
          // Already gone: removing is idempotent.
          if (!(e.getCause() instanceof ResourceNotFoundException)) throw e;
        }
      }
    }
    System.out.println("removed " + removed + " SCRAM user(s)");
  }
}
