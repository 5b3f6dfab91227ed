package dev.zoft.federation.net;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zoft.federation.Client;
import dev.zoft.federation.LocalRound;
import dev.zoft.federation.SyncedModel;
import dev.zoft.federation.protocol.ClientUpload;
import dev.zoft.federation.protocol.ProtocolCodec;
import dev.zoft.federation.protocol.ProtocolException;
import dev.zoft.federation.protocol.RoundAggregate;
import dev.zoft.federation.protocol.RoundPlan;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * The device side of the networked federation: connect to a {@code zoft server}, register once,
 * then {@link #participate} — fetch the round, sync (replaying the rounds missed, or downloading a
 * checkpoint when that costs less, see {@link SyncRule}), run the local steps with the existing
 * {@link Client}, upload the scalars, until the run is finished. Memory stays the model's plus
 * what {@link Client} needs (a layer's activations and the round-start snapshot).
 *
 * <pre>{@code
 * FederationClient.Credentials me = FederationClient.connect(uri, null).register(7, enrolmentKey);
 * FederationClient fc = FederationClient.connect(uri, null).login(me);
 * fc.participate(client, SyncRule.defaults(), event -> System.out.println(event));
 * }</pre>
 *
 * <p>Transient failures (connection refused, 5xx) are retried with a back-off, so a client rides
 * through a server restart. An upload answered "already uploaded" (409) after a retry counts as
 * delivered: the server journaled it before the connection broke.
 */
public final class FederationClient {

    /** A registered identity: the client id and its bearer token (keep it secret). */
    public record Credentials(int client, String token) {
        public Credentials {
            Objects.requireNonNull(token, "token");
        }

        /** Writes {@code client token} to {@code file}, readable by the owner only where the file system allows. */
        public void save(Path file) throws IOException {
            Files.writeString(file, client + " " + token + "\n", StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: nothing more we can do
            }
        }

        public static Credentials load(Path file) throws IOException {
            String[] parts = Files.readString(file, StandardCharsets.UTF_8).strip().split("\\s+");
            if (parts.length != 2) {
                throw new IOException(file + ": expected 'client-id token'");
            }
            try {
                return new Credentials(Integer.parseInt(parts[0]), parts[1]);
            } catch (NumberFormatException e) {
                throw new IOException(file + ": bad client id " + parts[0]);
            }
        }

        @Override
        public String toString() {
            return "Credentials[client " + client + "]";
        }
    }

    /** What {@link #fetchRound} found. */
    public sealed interface Fetch {
        record Plan(RoundPlan plan, int bytes) implements Fetch {
        }

        record Wait(String reason, int round, long retryAfterMillis) implements Fetch {
        }

        record Finished() implements Fetch {
        }
    }

    /** One thing {@link #participate} did, for a progress display. */
    public record Event(String kind, int round, String detail) {
        @Override
        public String toString() {
            return kind + " round " + round + (detail.isEmpty() ? "" : ": " + detail);
        }
    }

    /** What a participation did. */
    public record Summary(int roundsTrained, int roundsReplayed, int checkpointsLoaded, long bytesUp, long bytesDown,
                          int finalRound) {
    }

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** How long {@link #participate}'s fetches let the server hold a "wait". */
    static final int LONG_POLL_MILLIS = 5_000;

    private final URI base;
    private final HttpClient http;
    private final Credentials credentials;
    private Duration timeout = Duration.ofSeconds(30);
    private int retries = 40;
    private long bytesUp;
    private long bytesDown;

    private FederationClient(URI base, HttpClient http, Credentials credentials) {
        this.base = base;
        this.http = http;
        this.credentials = credentials;
    }

    /**
     * A client of the server at {@code base} (e.g. {@code https://host:8443/}).
     *
     * @param tls the SSL context trusting the server's certificate for https, or null for the JDK default
     */
    public static FederationClient connect(URI base, SSLContext tls) {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).version(HttpClient.Version.HTTP_1_1);
        if (tls != null) {
            b.sslContext(tls);
        }
        return new FederationClient(base, b.build(), null);
    }

    /** The same connection acting as {@code credentials}' client. */
    public FederationClient login(Credentials credentials) {
        return new FederationClient(base, http, Objects.requireNonNull(credentials, "credentials"));
    }

    /** The timeout of each request (default 30 s; a long-polling fetch adds its wait). */
    public FederationClient withTimeout(Duration t) {
        this.timeout = Objects.requireNonNull(t, "timeout");
        return this;
    }

    /** How many times a transient failure is retried (back-off up to 2 s), default 40. */
    public FederationClient withRetries(int n) {
        this.retries = n;
        return this;
    }

    /** Registers {@code client} with the federation's enrolment key; returns its credentials. */
    public Credentials register(int client, String enrolmentKey) throws IOException {
        HttpRequest req = request("/v1/register?client=" + client)
                .header("Authorization", "Bearer " + enrolmentKey)
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<byte[]> r = send(req);
        expect(r, 200);
        JsonNode n = MAPPER.readTree(r.body());
        return new Credentials(n.get("client").asInt(), n.get("token").asText());
    }

    /** The server's state. */
    public Coordinator.Status status() throws IOException {
        HttpResponse<byte[]> r = send(authed("/v1/status").GET().build());
        expect(r, 200);
        return MAPPER.readValue(r.body(), Coordinator.Status.class);
    }

    /** The round to run now, if this client is sampled in it, given that it holds round {@code have}. */
    public Fetch fetchRound(int have) throws IOException {
        return fetchRound(have, 0);
    }

    /**
     * As {@link #fetchRound(int)}, but a "wait" answer is held by the server up to {@code waitMillis}
     * (≤ 10 s) until the rounds change: a client learns of its round at once without polling.
     */
    public Fetch fetchRound(int have, int waitMillis) throws IOException {
        HttpResponse<byte[]> r = send(authed("/v1/round?have=" + have + (waitMillis > 0 ? "&wait=" + waitMillis : ""))
                .timeout(timeout.plusMillis(waitMillis)).GET().build());
        bytesDown += r.body().length;
        return switch (r.statusCode()) {
            case 200 -> new Fetch.Plan(ProtocolCodec.decodePlan(r.body()), r.body().length);
            case 202 -> {
                JsonNode n = MAPPER.readTree(r.body());
                yield new Fetch.Wait(n.get("wait").asText(), n.get("round").asInt(), n.get("retryAfterMillis").asLong());
            }
            case 410 -> new Fetch.Finished();
            default -> throw failure(r);
        };
    }

    /** The aggregates of the rounds after {@code have}. */
    public List<RoundAggregate> sync(int have) throws IOException {
        HttpResponse<byte[]> r = send(authed("/v1/sync?have=" + have).GET().build());
        expect(r, 200);
        bytesDown += r.body().length;
        return ProtocolCodec.decodeCatchUp(r.body());
    }

    /** The newest checkpoint's bytes (see {@link Checkpoints}), or null if the server has none. */
    public byte[] checkpoint() throws IOException {
        HttpResponse<byte[]> r = send(authed("/v1/checkpoint").GET().build());
        if (r.statusCode() == 404) {
            return null;
        }
        expect(r, 200);
        bytesDown += r.body().length;
        return r.body();
    }

    /**
     * Uploads a round's scalars. A 409 "already uploaded" counts as delivered (a retry of an upload
     * the server journaled); any other refusal throws.
     */
    public void upload(ClientUpload upload) throws IOException {
        byte[] body = ProtocolCodec.encode(upload);
        HttpResponse<byte[]> r = send(authed("/v1/upload").header("Content-Type", FederationHttpServer.BINARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
        bytesUp += body.length;
        if (r.statusCode() == 409 && new String(r.body(), StandardCharsets.UTF_8).contains("already uploaded")) {
            return;
        }
        expect(r, 200);
    }

    /**
     * Brings {@code model} to the server's latest round: replays the missed rounds, or loads the
     * latest checkpoint and replays the rounds after it, whichever {@code rule} says costs less.
     *
     * @return rounds replayed and whether a checkpoint was loaded
     */
    public int[] catchUp(SyncedModel<?> model, SyncRule rule) throws IOException {
        Coordinator.Status s = status();
        int have = model.syncedRound();
        if (s.completedRounds() <= have) {
            return new int[] {0, 0};
        }
        List<RoundAggregate> missing = sync(have);
        boolean loaded = false;
        if (s.checkpointRound() > have && rule.preferCheckpoint(model, missing, s.checkpointRound(), s.checkpointBytes())) {
            byte[] c = checkpoint();
            if (c != null) {
                String what = base + "v1/checkpoint";
                int round = Checkpoints.roundOf(c, what);
                try {
                    model.jumpTo(round, view -> {
                        try {
                            Checkpoints.decodeInto(c, view, what);
                        } catch (ProtocolException e) {
                            throw new IllegalArgumentException(e.getMessage(), e);
                        }
                    });
                } catch (IllegalArgumentException e) {
                    throw new ProtocolException(e.getMessage());
                }
                loaded = true;
            }
        }
        int applied = model.catchUp(missing);
        return new int[] {applied, loaded ? 1 : 0};
    }

    /**
     * Takes part in the run until it is finished: for every round this client is sampled in, syncs
     * {@code client}'s model, runs the local steps and uploads; at the end brings the model to the
     * final global model.
     */
    public <B> Summary participate(Client<B> client, SyncRule rule, Consumer<Event> events) throws IOException {
        if (credentials == null || credentials.client() != client.id()) {
            throw new IllegalStateException("log in as client " + client.id() + " first");
        }
        int trained = 0;
        int replayed = 0;
        int checkpoints = 0;
        while (true) {
            Fetch f = fetchRound(client.model().syncedRound(), LONG_POLL_MILLIS);
            switch (f) {
                case Fetch.Finished fin -> {
                    int[] c = catchUp(client.model(), rule);
                    replayed += c[0];
                    checkpoints += c[1];
                    events.accept(new Event("finished", client.model().syncedRound(), ""));
                    return new Summary(trained, replayed, checkpoints, bytesUp, bytesDown, client.model().syncedRound());
                }
                case Fetch.Wait w -> sleep(Math.min(w.retryAfterMillis(), 20)); // the server already held it
                case Fetch.Plan p -> {
                    RoundPlan plan = p.plan();
                    if (plan.missing().size() > 1) {
                        // Maybe a checkpoint is cheaper than this replay: decide, then ask again.
                        int[] c = catchUp(client.model(), rule);
                        replayed += c[0];
                        if (c[1] == 1) {
                            checkpoints++;
                            continue;
                        }
                    }
                    LocalRound local = client.run(plan);
                    replayed += local.roundsApplied();
                    events.accept(new Event("trained", plan.round(), local.upload().scalars().size() + " scalars"));
                    upload(local.upload());
                    trained++;
                }
            }
        }
    }

    /** Bytes sent so far (request bodies). */
    public long bytesUp() {
        return bytesUp;
    }

    /** Bytes received so far (response bodies). */
    public long bytesDown() {
        return bytesDown;
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(base.resolve(pathAndQuery.substring(1))).timeout(timeout);
    }

    private HttpRequest.Builder authed(String pathAndQuery) {
        if (credentials == null) {
            throw new IllegalStateException("not logged in: call login(credentials) first");
        }
        return request(pathAndQuery).header(FederationHttpServer.CLIENT_HEADER, Integer.toString(credentials.client()))
                .header("Authorization", "Bearer " + credentials.token());
    }

    private HttpResponse<byte[]> send(HttpRequest req) throws IOException {
        IOException last = null;
        long wait = 50;
        for (int attempt = 0; attempt <= retries; attempt++) {
            try {
                HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
                if (r.statusCode() < 500) {
                    return r;
                }
                last = failure(r);
            } catch (IOException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            sleep(wait);
            wait = Math.min(2000, wait * 2);
        }
        throw new IOException(req.method() + " " + req.uri().getPath() + " failed after " + (retries + 1) + " attempts: "
                + last.getMessage(), last);
    }

    private static void expect(HttpResponse<byte[]> r, int status) throws IOException {
        if (r.statusCode() != status) {
            throw failure(r);
        }
    }

    /** A refusal, with the server's reason. */
    public static final class RefusedException extends IOException {
        private final int status;

        RefusedException(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private static RefusedException failure(HttpResponse<byte[]> r) {
        String reason = new String(r.body(), StandardCharsets.UTF_8);
        try {
            JsonNode n = MAPPER.readTree(r.body());
            if (n != null && n.has("error")) {
                reason = n.get("error").asText();
            }
        } catch (IOException e) {
            // not JSON: keep the raw text
        }
        return new RefusedException(r.statusCode(), r.request().method() + " " + r.uri().getPath() + ": HTTP "
                + r.statusCode() + ": " + reason);
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(Math.max(1, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

}
